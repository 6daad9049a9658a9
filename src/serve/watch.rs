//! Watching the project for edits: content/ (site.yaml included) and themes/, through the
//! platform's native notification (`notify`) or, with `--poll`, by polling modification
//! times and sizes. A burst of events (an editor's save is often write + rename + chmod) becomes one
//! rebuild once the project has been quiet for [`DEBOUNCE`].

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

/// Quiet time after the last change before rebuilding.
pub const DEBOUNCE: Duration = Duration::from_millis(50);
/// How often `--poll` looks at the files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Starts watching `root` on a thread of its own, calling `on_change` after every burst.
/// Fails only if content/ cannot be watched.
pub fn spawn(
    root: &Path,
    poll: bool,
    mut on_change: impl FnMut() + Send + 'static,
) -> notify::Result<()> {
    // Native watchers report absolute paths; compare against absolute ones.
    let root = std::path::absolute(root)?;
    let content = root.join("content");
    let themes = root.join("themes");
    let (tx, rx) = mpsc::channel::<()>();
    let mut native = None;
    if poll {
        spawn_poller(vec![content, themes.clone()], tx);
    } else {
        let (c, t) = (content.clone(), themes.clone());
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
            if relevant(&event, &c, &t) {
                let _ = tx.send(());
            }
        })?;
        watcher.watch(&content, RecursiveMode::Recursive)?;
        // The root itself, not recursively: it may hold target/ or public/, whose churn must
        // not cost watches. This only tells us when themes/ appears.
        let _ = watcher.watch(&root, RecursiveMode::NonRecursive);
        let watched = themes.is_dir() && watcher.watch(&themes, RecursiveMode::Recursive).is_ok();
        native = Some((watcher, watched));
    }
    std::thread::spawn(move || {
        while rx.recv().is_ok() {
            let mut quiet_at = Instant::now() + DEBOUNCE;
            loop {
                let left = quiet_at.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(()) => quiet_at = Instant::now() + DEBOUNCE,
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            if let Some((watcher, watched)) = &mut native {
                if !*watched && themes.is_dir() {
                    *watched = watcher.watch(&themes, RecursiveMode::Recursive).is_ok();
                }
            }
            on_change();
        }
    });
    Ok(())
}

/// Whether an event may change the site. Reads are not changes: the rebuild itself opens
/// every file, and counting that would rebuild forever.
fn relevant(event: &notify::Result<Event>, content: &Path, themes: &Path) -> bool {
    let Ok(event) = event else {
        return false;
    };
    let changes = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    };
    changes
        && event
            .paths
            .iter()
            .any(|p| p.starts_with(content) || p.starts_with(themes))
}

/// Every file and folder under `dirs` with its modification time and size.
type Fingerprint = Vec<(PathBuf, Option<SystemTime>, u64)>;

fn fingerprint(dirs: &[PathBuf]) -> Fingerprint {
    dirs.iter()
        .flat_map(|d| walkdir::WalkDir::new(d).sort_by_file_name())
        .filter_map(Result::ok)
        .map(|e| {
            let meta = e.metadata().ok();
            (
                e.into_path(),
                meta.as_ref().and_then(|m| m.modified().ok()),
                meta.map_or(0, |m| m.len()),
            )
        })
        .collect()
}

/// `--poll`: compares full-precision modification times and sizes. (notify's PollWatcher
/// compares whole seconds, which misses a second save within the same second.)
fn spawn_poller(dirs: Vec<PathBuf>, tx: mpsc::Sender<()>) {
    // The baseline is taken before returning, so an edit made once the URL is printed is
    // always seen, however late the thread gets to run on a busy machine.
    let mut last = fingerprint(&dirs);
    std::thread::spawn(move || loop {
        std::thread::sleep(POLL_INTERVAL);
        let now = fingerprint(&dirs);
        if now != last {
            last = now;
            if tx.send(()).is_err() {
                return;
            }
        }
    });
}
