//! Benchmark (not a test): the time from a saved one-page edit to the reload event that
//! `gongkai serve` sends open tabs, on a copy of the example site in content/, optionally
//! grown to a large site by copying its latest edition to further years.
//!
//! ```sh
//! cargo build --release && cargo run --release --example serve_latency
//! cargo run --release --example serve_latency -- --editions 50   # a large generated site
//! ```
//!
//! Options: `--project DIR` (a project to copy instead of the example site, e.g. the medium
//! corpus of `gen-corpus`), `--bin PATH` (default target/release/gongkai, else target/debug/gongkai),
//! `--editions N` (total editions, default: the example's own), `--edits N` (default 20).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = opt("--bin").map(PathBuf::from).unwrap_or_else(|| {
        let release = repo.join("target/release/gongkai");
        if release.exists() {
            release
        } else {
            repo.join("target/debug/gongkai")
        }
    });
    let edits: usize = opt("--edits").map_or(20, |n| n.parse().expect("--edits N"));

    let dir = tempfile::tempdir().expect("a temp folder");
    // --project DIR: a generated corpus (e.g. from gen-corpus) instead of the example site.
    let project = opt("--project").map_or_else(|| repo.clone(), PathBuf::from);
    copy_dir(&project.join("content"), &dir.path().join("content"));
    let latest = latest_edition(&dir.path().join("content"));
    if let Some(total) = opt("--editions").map(|n| n.parse::<i32>().expect("--editions N")) {
        let have = count_editions(&dir.path().join("content"));
        for year in latest + 1..=latest + (total - have as i32) {
            copy_dir(
                &dir.path().join(format!("content/{latest}")),
                &dir.path().join(format!("content/{year}")),
            );
        }
    }

    let mut child = Command::new(&bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .trim_start_matches("serving http://")
        .trim_end_matches('/')
        .to_string();

    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    // since=0 never matches: the first event says the initial build is done.
    // The preview answers only requests addressed to itself.
    write!(
        stream,
        "GET /__gongkai/events?since=0 HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(stream);
    next_event(&mut events);

    let page = dir.path().join("content/2023/report.md");
    let original = std::fs::read_to_string(&page).unwrap();
    let mut times = Vec::new();
    for i in 0..edits {
        // Let the previous rebuild settle, as between a reviewer's saves.
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        std::fs::write(&page, format!("{original}\n第{i}次修改。\n")).unwrap();
        let event = next_event(&mut events);
        times.push(started.elapsed());
        assert_eq!(event, "reload");
    }
    let _ = child.kill();
    let _ = child.wait();

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} edition(s), {edits} edits of content/2023/report.md: saved → reload event \
min {:.0} ms, median {:.0} ms, max {:.0} ms (includes the {} ms debounce)",
        count_editions(&dir.path().join("content")),
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        gongkai::serve::watch::DEBOUNCE.as_millis(),
    );
}

fn next_event(events: &mut BufReader<TcpStream>) -> String {
    let mut name = String::new();
    loop {
        let mut line = String::new();
        assert!(events.read_line(&mut line).expect("an event") > 0);
        let line = line.trim_end();
        if let Some(n) = line.strip_prefix("event: ") {
            name = n.to_string();
        } else if line.is_empty() && !name.is_empty() {
            return name;
        }
    }
}

fn editions(content: &Path) -> Vec<i32> {
    std::fs::read_dir(content)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

fn count_editions(content: &Path) -> usize {
    editions(content).len()
}

fn latest_edition(content: &Path) -> i32 {
    editions(content).into_iter().max().expect("an edition")
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
