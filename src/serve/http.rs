//! A deliberately small HTTP/1.1 server for the preview: GET and HEAD only, one request per
//! connection, files from the in-memory build, the event stream for live reload.
//!
//! Request paths are resolved strictly before anything is looked up: `..` and `.` segments
//! (also percent-encoded), backslashes, NUL, colons, empty segments and anything not starting
//! with `/` are refused with 404. Files only ever come from the rendered map, never from the
//! file system, so nothing outside the site can be served, whatever links exist on disk.

use super::preview::{self, EVENTS_PATH, REVIEW_PATH};
use super::Preview;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// How long a client may take to send its request, and a stalled reader to take a response.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest request head accepted.
const MAX_HEAD: u64 = 16 * 1024;
/// How often an idle event stream sends a comment, which also notices closed tabs.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

struct Request {
    method: String,
    target: String,
}

/// Serves one connection to completion; errors just end it.
pub fn handle(stream: TcpStream, preview: &Preview) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let request = match read_request(&stream) {
        Ok(Some(r)) => r,
        Ok(None) => return,
        Err(status) => {
            let _ = respond(&stream, status, &[], b"", false);
            return;
        }
    };
    let _ = route(&stream, &request, preview);
}

fn read_request(stream: &TcpStream) -> Result<Option<Request>, u16> {
    let mut reader = BufReader::new(stream.take(MAX_HEAD));
    let mut line = String::new();
    if reader.read_line(&mut line).map_err(|_| 400u16)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(400);
    }
    let request = Request {
        method: method.to_string(),
        target: target.to_string(),
    };
    // Read (and ignore) the headers, so the client sees its request consumed.
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) => return Err(431),
            Ok(_) if header == "\r\n" || header == "\n" => return Ok(Some(request)),
            Ok(_) if !header.ends_with('\n') => return Err(431),
            Ok(_) => {}
            Err(_) => return Err(400),
        }
    }
}

fn route(stream: &TcpStream, request: &Request, preview: &Preview) -> std::io::Result<()> {
    let head = match request.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => return respond(stream, 405, &[("Allow", "GET, HEAD".into())], b"", false),
    };
    let Some(path) = resolve(&request.target) else {
        return not_found(stream, preview, head);
    };
    if path == EVENTS_PATH {
        return events(stream, preview, &request.target, head);
    }
    let status = preview.status();
    if path == REVIEW_PATH {
        let html = match &status.site {
            Some(s) => s.review().to_string(),
            None => preview::plain_page("指标审阅", "尚无成功的构建。"),
        };
        let body = preview::inject(html.as_bytes(), &path, &status);
        return respond(stream, 200, &[content_type("review.html")], &body, head);
    }
    let Some(site) = &status.site else {
        // Nothing has built yet: every page shows the overlay until the first success.
        let html = preview::plain_page("构建失败", "修正错误后页面自动刷新。");
        let body = preview::inject(html.as_bytes(), &path, &status);
        return respond(stream, 503, &[content_type("x.html")], &body, head);
    };
    match site.files.get(&path) {
        Some(bytes) => {
            if path.ends_with(".html") {
                let body = preview::inject(bytes, &path, &status);
                respond(stream, 200, &[content_type(&path)], &body, head)
            } else {
                respond(stream, 200, &[content_type(&path)], bytes, head)
            }
        }
        None if site.files.contains_key(&format!("{path}/index.html")) => {
            // A folder asked for without its slash: relative links need the slash.
            let plain = request.target.split(['?', '#']).next().unwrap_or("/");
            respond(stream, 301, &[("Location", format!("{plain}/"))], b"", head)
        }
        None => not_found(stream, preview, head),
    }
}

fn not_found(stream: &TcpStream, preview: &Preview, head: bool) -> std::io::Result<()> {
    // Injected too, so a page that an edit is about to create appears by itself.
    let html = preview::plain_page("404 未找到", "预览中没有这个文件。");
    let body = preview::inject(html.as_bytes(), "", &preview.status());
    respond(stream, 404, &[content_type("x.html")], &body, head)
}

/// The live-reload stream: one event per rebuild after generation `since` (from the query).
fn events(stream: &TcpStream, preview: &Preview, target: &str, head: bool) -> std::io::Result<()> {
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
    loop {
        match preview.wait_change(seen, KEEP_ALIVE) {
            Some(status) => {
                seen = status.generation;
                out.write_all(preview::event(&status).as_bytes())?;
            }
            None => out.write_all(b": keep-alive\n\n")?,
        }
        out.flush()?;
    }
}

fn respond(
    stream: &TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
X-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut w = stream;
    w.write_all(out.as_bytes())?;
    if !head {
        w.write_all(body)?;
    }
    w.flush()
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

/// The output path a request target names (`/2023/` → `2023/index.html`), or None when the
/// target is anything but a plain path inside the site.
pub fn resolve(target: &str) -> Option<String> {
    let raw = target.split(['?', '#']).next()?;
    if !raw.starts_with('/') {
        return None;
    }
    let path = String::from_utf8(percent_decode(&raw[1..])?).ok()?;
    if path.contains(['\\', '\0', ':']) {
        return None;
    }
    let segments: Vec<&str> = path.split('/').collect();
    let (last, dirs) = segments.split_last()?;
    if dirs.iter().any(|s| s.is_empty() || *s == "." || *s == "..") || matches!(*last, "." | "..") {
        return None;
    }
    let mut key = dirs.join("/");
    if !key.is_empty() {
        key.push('/');
    }
    key.push_str(if last.is_empty() { "index.html" } else { last });
    Some(key)
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_plain_paths_and_refuses_escapes() {
        assert_eq!(resolve("/").as_deref(), Some("index.html"));
        assert_eq!(resolve("/2023/").as_deref(), Some("2023/index.html"));
        assert_eq!(
            resolve("/2023/charts/a.b.svg?x=1").as_deref(),
            Some("2023/charts/a.b.svg")
        );
        assert_eq!(
            resolve("/2023/%E9%99%84%E4%BB%B6.pdf").as_deref(),
            Some("2023/附件.pdf")
        );
        for bad in [
            "/../etc/passwd",
            "/2023/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2fx",
            "/2023/%2e%2e",
            "//etc/passwd",
            "/C:/x",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00.html",
            "/a//b",
            "/./index.html",
            "http://evil/index.html",
            "*",
            "/%zz",
            "/%e9",
        ] {
            assert_eq!(resolve(bad), None, "{bad}");
        }
    }
}
