//! Where a build's time goes (`build --timings`): wall time of each phase, and CPU time of the
//! parallel rendering work summed over threads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct Timings {
    pub load: Duration,
    pub validate: Duration,
    pub render: Duration,
    pub links: Duration,
    pub write: Duration,
    /// CPU time inside render, summed over threads.
    pub narrative: Counter,
    pub charts: Counter,
    pub pages: Counter,
    /// The editions' search indexes, made as each edition's pages are done.
    pub search: Counter,
}

/// Nanoseconds added up from many threads.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    /// Runs `f`, adding its duration to the counter.
    pub fn time<T>(&self, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = f();
        self.0
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        out
    }

    pub fn get(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::Relaxed))
    }
}

/// Runs `f` and returns its result with how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let out = f();
    (out, started.elapsed())
}

impl Timings {
    /// The phases in one short line, for the preview's log.
    pub fn phases(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        format!(
            "load {:.0} ms, validate {:.0} ms, render {:.0} ms, links {:.0} ms",
            ms(self.load),
            ms(self.validate),
            ms(self.render),
            ms(self.links),
        )
    }

    pub fn report(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        format!(
            "timings (wall): load {:.0} ms, validate {:.0} ms, render {:.0} ms, links {:.0} ms, write {:.0} ms\n\
             timings (render CPU over all threads): narrative {:.0} ms, charts {:.0} ms, pages {:.0} ms\n",
            ms(self.load),
            ms(self.validate),
            ms(self.render),
            ms(self.links),
            ms(self.write),
            ms(self.narrative.get()),
            ms(self.charts.get()),
            ms(self.pages.get()),
        )
    }
}
