//! `gongkai serve`: bind, build once, watch, and answer requests until interrupted.

use crate::cli::ServeArgs;
use crate::pipeline::Failure;
use crate::serve::{http, watch, Preview};
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

pub fn run(args: &ServeArgs) -> Result<String, Failure> {
    if !args.root.join("content").is_dir() {
        return Err(Failure::Io(format!(
            "no content/ folder in {}; pass the project folder with --root",
            args.root.display()
        )));
    }
    let addr = SocketAddr::new(args.bind, args.port);
    let listener = TcpListener::bind(addr)
        .map_err(|e| Failure::Io(format!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure::Io(format!("cannot listen on {addr}: {e}")))?;
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: serving on {local}: anyone who can reach this address sees the preview, drafts included"
        );
    }

    let preview = Arc::new(Preview::new(args.root.clone()));
    eprint!("{}", preview.rebuild());
    let watched = Arc::clone(&preview);
    watch::spawn(&args.root, args.poll, move || {
        eprint!("{}", watched.rebuild())
    })
    .map_err(|e| Failure::Io(format!("cannot watch {}: {e}", args.root.display())))?;

    let host = if local.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else if local.is_ipv6() {
        format!("[{}]", local.ip())
    } else {
        local.ip().to_string()
    };
    let url = format!("http://{host}:{}/", local.port());
    // Printed on stdout and flushed at once: scripts and tests read the port from it.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "serving {url}");
    let _ = stdout.flush();
    if args.open {
        open_browser(&url);
    }

    http::serve(&listener, preview, limits());
    Ok(String::new())
}

/// The server's limits. The head deadline can be shortened for tests (which must not wait
/// ten seconds to see a slow client cut off) with `GONGKAI_SERVE_HEAD_DEADLINE_MS`, on
/// purpose not a documented option.
fn limits() -> http::Limits {
    let mut limits = http::Limits::default();
    if let Some(ms) = std::env::var("GONGKAI_SERVE_HEAD_DEADLINE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&ms| ms > 0)
    {
        limits.head_deadline = std::time::Duration::from_millis(ms);
    }
    limits
}

fn open_browser(url: &str) {
    let (program, args): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let spawned = std::process::Command::new(program)
        .args(args)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("warning: could not open a browser ({program}: {e}); open {url} yourself");
    }
}
