//! A deliberately small HTTP/1.1 server for the preview: GET and HEAD only, one request per
//! connection, files from the in-memory build, the event stream for live reload.
//!
//! Request paths are resolved strictly before anything is looked up: `..` and `.` segments
//! (also percent-encoded), backslashes, NUL, colons, empty segments and anything not starting
//! with `/` are refused with 404. Files only ever come from the rendered map, never from the
//! file system, so nothing outside the site can be served, whatever links exist on disk.
//!
//! The preview shows drafts, so it answers only requests addressed to itself: the Host header
//! must name the address it listens on (a web page on another site that rebinds its own DNS
//! name to 127.0.0.1 sends its own name, and is refused with 421 before anything is read).
//! Every request, HTTP/1.0 too, must carry exactly one well-formed Host header; a head that a
//! proxy in front could read differently (`Host : x`, folded lines) is refused with 400.
//! A fixed number of connections is served at once, and each must send its whole request
//! head within a deadline, however slowly the bytes trickle in; live-reload streams (one per
//! open tab) are exempt from the deadline once their head is read, and may take only part of
//! the connections, so pages still load with many tabs open.

use super::preview::{self, EVENTS_PATH, REVIEW_PATH};
use super::request::{addressed_to_us, read_request, resolve, Deadline, Request, MAX_HEAD};
use super::Preview;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a stalled reader of the event stream may block one write.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an idle event stream sends a comment, for proxies and firewalls that drop
/// silent connections.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often an idle event stream looks whether its tab was closed.
const TAB_CHECK: Duration = Duration::from_secs(1);

/// What one preview server allows, fixed when it starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Connections served at once; more are refused with 503 at once.
    pub(crate) connections: usize,
    /// How many of those may be live-reload streams, which stay open as long as their tab:
    /// the rest are kept for loading pages.
    pub(crate) streams: usize,
    /// From accepting a connection until its whole request head has arrived.
    pub(crate) head_deadline: Duration,
    /// From the end of the request head until the whole response is sent.
    pub(crate) response_deadline: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            connections: 64,
            streams: 48,
            head_deadline: Duration::from_secs(10),
            response_deadline: Duration::from_secs(30),
        }
    }
}

/// The server's shared state: the site, where it listens, what it allows, what is in use.
struct Server {
    preview: Arc<Preview>,
    /// The address it listens on, port included (the real one when started on port 0).
    bound: SocketAddr,
    limits: Limits,
    connections: Arc<AtomicUsize>,
    streams: Arc<AtomicUsize>,
}

/// One unit of a counted limit, given back when dropped (also when a connection panics).
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(counter: &Arc<AtomicUsize>, limit: usize) -> Option<Slot> {
        counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < limit).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(Arc::clone(counter)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Accepts connections until the listener fails, each served on its own thread.
pub(crate) fn serve(listener: &TcpListener, preview: Arc<Preview>, limits: Limits) {
    let Ok(bound) = listener.local_addr() else {
        return;
    };
    let server = Arc::new(Server {
        preview,
        bound,
        limits,
        connections: Arc::default(),
        streams: Arc::default(),
    });
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        // Counted here, in the order connections arrive, so the limit is exact.
        let Some(slot) = Slot::take(&server.connections, limits.connections) else {
            refuse_busy(&stream);
            continue;
        };
        let server = Arc::clone(&server);
        // When no thread can be started, the closure is dropped: the connection closes and
        // its slot is given back.
        let _ = std::thread::Builder::new()
            .name("gongkai-http".into())
            .spawn(move || {
                handle(&stream, &server);
                drop(slot);
            });
    }
}

/// Answers a connection over the limit with 503 without waiting for it: the accepting
/// thread must never block on a client.
fn refuse_busy(stream: &TcpStream) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    // What the client already sent is taken off the socket, so closing it ends the
    // connection normally and the client sees the answer instead of a reset.
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < MAX_HEAD as usize {
        match (&*stream).read(&mut sink) {
            Ok(n) if n > 0 => drained += n,
            _ => break,
        }
    }
    let _ = respond(
        stream,
        503,
        &[retry_after(), text_type()],
        "503 too many connections to the preview at once; try again in a moment.\n".as_bytes(),
        false,
    );
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// Serves one connection to completion; errors just end it.
fn handle(stream: &TcpStream, server: &Server) {
    let arrived = Instant::now();
    let mut reading = Deadline {
        stream,
        until: arrived + server.limits.head_deadline,
    };
    let request = read_request(&mut reading);
    let mut out = Deadline {
        stream,
        until: Instant::now() + server.limits.response_deadline,
    };
    let request = match request {
        Ok(Some(r)) => r,
        Ok(None) => return,
        Err((status, why)) => {
            let _ = respond(&mut out, status, &[text_type()], why.as_bytes(), false);
            // What the client is still sending is taken off the socket (within the head's
            // deadline), so that closing does not reset the connection before it reads the
            // answer.
            if status != 408 && stream.shutdown(std::net::Shutdown::Write).is_ok() {
                let _ = std::io::copy(&mut (&mut reading).take(1 << 20), &mut std::io::sink());
            }
            return;
        }
    };
    if !addressed_to_us(&request.host, server.bound, stream.local_addr().ok()) {
        let ip = match server.bound.ip() {
            ip if ip.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        let why = format!(
            "421 this is a gongkai preview: it answers only requests addressed to the \
address it listens on, so that other web sites cannot read drafts through it. Open \
http://{ip}:{port}/ (or http://localhost:{port}/).\n",
            port = server.bound.port()
        );
        let _ = respond(&mut out, 421, &[text_type()], why.as_bytes(), false);
        return;
    }
    let _ = route(stream, &mut out, &request, server);
}

fn route(
    stream: &TcpStream,
    out: &mut Deadline,
    request: &Request,
    server: &Server,
) -> std::io::Result<()> {
    let preview = &*server.preview;
    let head = match request.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => return respond(out, 405, &[("Allow", "GET, HEAD".into())], b"", false),
    };
    let Some(path) = resolve(&request.target) else {
        return not_found(out, preview, head);
    };
    if path == EVENTS_PATH {
        // Tabs stay open for hours: a stream is freed from the head deadline, but only so
        // many may be open, so that pages still load.
        let Some(_stream_slot) = Slot::take(&server.streams, server.limits.streams) else {
            let why = "503 too many open preview tabs; close some and reload this one.\n";
            return respond(
                out,
                503,
                &[retry_after(), text_type()],
                why.as_bytes(),
                head,
            );
        };
        return events(stream, preview, &request.target, head);
    }
    let status = preview.status();
    if path == REVIEW_PATH {
        let html = match &status.site {
            Some(s) => s.review().to_string(),
            None => preview::plain_page("指标审阅", "尚无成功的构建。"),
        };
        let body = preview::inject(html.as_bytes(), &path, &status);
        return respond(out, 200, &[content_type("review.html")], &body, head);
    }
    let Some(site) = &status.site else {
        // Nothing has built yet: every page shows the overlay until the first success.
        let html = preview::plain_page("构建失败", "修正错误后页面自动刷新。");
        let body = preview::inject(html.as_bytes(), &path, &status);
        return respond(out, 503, &[content_type("x.html")], &body, head);
    };
    match site.files.get(&path) {
        Some(bytes) => {
            if path.ends_with(".html") {
                let body = preview::inject(bytes, &path, &status);
                respond(out, 200, &[content_type(&path)], &body, head)
            } else {
                respond(out, 200, &[content_type(&path)], bytes, head)
            }
        }
        None if site.files.contains_key(&format!("{path}/index.html")) => {
            // A folder asked for without its slash: relative links need the slash.
            let plain = request.target.split(['?', '#']).next().unwrap_or("/");
            respond(out, 301, &[("Location", format!("{plain}/"))], b"", head)
        }
        None => not_found(out, preview, head),
    }
}

fn not_found(out: &mut Deadline, preview: &Preview, head: bool) -> std::io::Result<()> {
    // Injected too, so a page that an edit is about to create appears by itself.
    let html = preview::plain_page("404 未找到", "预览中没有这个文件。");
    let body = preview::inject(html.as_bytes(), "", &preview.status());
    respond(out, 404, &[content_type("x.html")], &body, head)
}

/// The live-reload stream: one event per rebuild after generation `since` (from the query).
fn events(stream: &TcpStream, preview: &Preview, target: &str, head: bool) -> std::io::Result<()> {
    let _ = stream.set_read_timeout(None);
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let mut out = stream;
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
    )?;
    if head {
        return Ok(());
    }
    out.write_all(b"retry: 1000\n\n")?;
    out.flush()?;
    // Not kept past the first event: it holds a whole built site.
    let status = preview.status();
    let since = target
        .split_once('?')
        .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("since=")))
        .and_then(|v| v.parse::<u64>().ok());
    let mut seen = match since {
        // The page is older than the current build (or from an earlier server): catch up now.
        Some(s) if s != status.generation => {
            out.write_all(preview::event(&status).as_bytes())?;
            out.flush()?;
            status.generation
        }
        _ => status.generation,
    };
    drop(status);
    let mut quiet = Duration::ZERO;
    loop {
        match preview.wait_change(seen, TAB_CHECK) {
            Some(status) => {
                seen = status.generation;
                quiet = Duration::ZERO;
                out.write_all(preview::event(&status).as_bytes())?;
            }
            None => {
                // A closed tab gives its place back within a second, not at the next write.
                if tab_closed(stream) {
                    return Ok(());
                }
                quiet += TAB_CHECK;
                if quiet < KEEP_ALIVE {
                    continue;
                }
                quiet = Duration::ZERO;
                out.write_all(b": keep-alive\n\n")?;
            }
        }
        out.flush()?;
    }
}

/// Whether the client ended the event stream: a tab sends nothing after its request, so
/// anything readable (the end of the connection, or bytes it should not send) ends it.
fn tab_closed(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut byte = [0u8; 1];
    let pending =
        !matches!(stream.peek(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    stream.set_nonblocking(false).is_err() || pending
}

fn respond(
    mut out: impl Write,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        408 => "Request Timeout",
        421 => "Misdirected Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let mut head_text = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
X-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head_text.push_str(&format!("{name}: {value}\r\n"));
    }
    head_text.push_str("\r\n");
    out.write_all(head_text.as_bytes())?;
    if !head {
        out.write_all(body)?;
    }
    out.flush()
}

fn text_type() -> (&'static str, String) {
    ("Content-Type", "text/plain; charset=utf-8".into())
}

fn retry_after() -> (&'static str, String) {
    ("Retry-After", "1".into())
}

/// The Content-Type header for an output path, by extension.
fn content_type(path: &str) -> (&'static str, String) {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    let t = match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
    ("Content-Type", t.to_string())
}
