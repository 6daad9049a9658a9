//! Reading a request as the preview accepts it: its head within a deadline however slowly it
//! trickles in, exactly one well-formed Host header naming this server, and a path resolved
//! strictly before anything is looked up.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The largest request head read; anything longer is refused.
pub(super) const MAX_HEAD: u64 = 16 * 1024;

/// Reads from or writes to a connection until a fixed moment, however slowly the bytes go:
/// every call waits at most for the time left, so a client sending or taking one byte at a
/// time is cut off at the deadline like one sending nothing.
pub(super) struct Deadline<'a> {
    pub(super) stream: &'a TcpStream,
    pub(super) until: Instant,
}

impl Deadline<'_> {
    fn left(&self) -> std::io::Result<Duration> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(std::io::ErrorKind::TimedOut.into())
        } else {
            Ok(left)
        }
    }
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        (&*self.stream).read(buf)
    }
}

impl Write for Deadline<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        (&*self.stream).write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        (&*self.stream).flush()
    }
}

pub(super) struct Request {
    pub(super) method: String,
    pub(super) target: String,
    /// The one Host header's value.
    pub(super) host: String,
}

/// A request refused before it is looked at: the status and the reason sent with it.
pub(super) type Refused = (u16, &'static str);

pub(super) const MALFORMED: Refused = (400, "400 malformed request.\n");
const NEEDS_HOST: Refused = (
    400,
    "400 a request must have exactly one Host header (HTTP/1.0 too), written `Host: address:port`.\n",
);
pub(super) const TOO_LARGE: Refused = (431, "431 the request head is too large.\n");
const TOO_LONG: Refused = (414, "414 the request line is too long.\n");
pub(super) const TOO_SLOW: Refused = (408, "408 the request did not arrive in time.\n");

/// Whether a Host header names this server: `localhost`, 127.0.0.1, [::1], the address it is
/// bound to, or the one this connection reached (when bound to all interfaces), each with the
/// port it listens on. Any other name may be a DNS name an attacker points at 127.0.0.1.
pub(super) fn addressed_to_us(host: &str, bound: SocketAddr, reached: Option<SocketAddr>) -> bool {
    let (name, port) = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((ip, port)) => (ip, port),
            None => return false,
        },
        None => host.split_at(host.rfind(':').unwrap_or(host.len())),
    };
    let port = match port.strip_prefix(':') {
        Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse::<u16>().ok(),
        Some(_) => None,
        None if port.is_empty() => Some(80),
        None => None,
    };
    if port != Some(bound.port()) {
        return false;
    }
    if !host.starts_with('[') && name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let ip = if host.starts_with('[') {
        name.parse::<std::net::Ipv6Addr>().map(IpAddr::V6)
    } else {
        name.parse::<std::net::Ipv4Addr>().map(IpAddr::V4)
    };
    let Ok(ip) = ip.map(|ip| ip.to_canonical()) else {
        return false;
    };
    let ours = [
        Some(IpAddr::from([127, 0, 0, 1])),
        Some(IpAddr::from(std::net::Ipv6Addr::LOCALHOST)),
        Some(bound.ip()).filter(|ip| !ip.is_unspecified()),
        reached.map(|r| r.ip()),
    ];
    ours.into_iter()
        .flatten()
        .any(|ours| ours.to_canonical() == ip)
}

/// Reads the request line and the headers. Anything a proxy in front might read otherwise
/// is refused (RFC 9112): a request line that is not `METHOD target HTTP/1.x`, a header line
/// without a name and colon, whitespace before the colon, a line folded onto the next
/// (obs-fold), and anything but exactly one Host header holding one `host[:port]`.
pub(super) fn read_request(from: &mut Deadline) -> Result<Option<Request>, Refused> {
    // A read error here is the deadline passing (or the client leaving).
    let failed = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => TOO_SLOW,
        _ => MALFORMED,
    };
    let mut reader = BufReader::new(from.take(MAX_HEAD));
    let mut line = String::new();
    if reader.read_line(&mut line).map_err(failed)? == 0 {
        return Ok(None);
    }
    if !line.ends_with('\n') {
        // The whole head allowance went on one line: a target no site path comes near.
        return Err(if line.len() as u64 >= MAX_HEAD {
            TOO_LONG
        } else {
            MALFORMED
        });
    }
    let parts: Vec<&str> = line.trim_end_matches(['\r', '\n']).split(' ').collect();
    let &[method, target, version] = parts.as_slice() else {
        return Err(MALFORMED);
    };
    if method.is_empty() || target.is_empty() || !matches!(version, "HTTP/1.0" | "HTTP/1.1") {
        return Err(MALFORMED);
    }
    let mut hosts = Vec::new();
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) => return Err(TOO_LARGE),
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) if !header.ends_with('\n') => return Err(TOO_LARGE),
            // A folded line continues the header above it: a proxy may join them.
            Ok(_) if header.starts_with([' ', '\t']) => return Err(NEEDS_HOST),
            Ok(_) => {
                let Some((name, value)) = header.split_once(':') else {
                    return Err(MALFORMED);
                };
                if !is_token(name) {
                    // `Host : x` is no Host header here, but may be one to a proxy.
                    return Err(if name.trim().eq_ignore_ascii_case("host") {
                        NEEDS_HOST
                    } else {
                        MALFORMED
                    });
                }
                if name.eq_ignore_ascii_case("host") {
                    hosts.push(value.trim_matches([' ', '\t', '\r', '\n']).to_string());
                }
            }
            Err(e) => return Err(failed(e)),
        }
    }
    // Two Host headers may be read differently by a proxy in front: refuse both.
    let [host] = <[String; 1]>::try_from(hosts).map_err(|_| NEEDS_HOST)?;
    let well_formed = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~:[]".contains(&b));
    if !well_formed {
        return Err(NEEDS_HOST);
    }
    Ok(Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        host,
    }))
}

/// Whether `name` is a header name: one or more token characters, nothing else (RFC 9110).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
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
    fn a_host_header_must_name_this_server_and_its_port() {
        let loopback: SocketAddr = "127.0.0.1:8000".parse().unwrap();
        let all: SocketAddr = "0.0.0.0:8000".parse().unwrap();
        let lan: SocketAddr = "192.168.1.5:8000".parse().unwrap();
        let v6: SocketAddr = "[::]:8000".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:192.168.1.5]:8000".parse().unwrap();
        for (host, bound, reached) in [
            ("127.0.0.1:8000", loopback, None),
            ("localhost:8000", loopback, None),
            ("[::1]:8000", loopback, None),
            ("[0:0:0:0:0:0:0:1]:8000", loopback, None),
            // Bound to every interface: the address this connection came in on.
            ("192.168.1.5:8000", all, Some(lan)),
            ("192.168.1.5:8000", v6, Some(mapped)),
            ("192.168.1.5:8000", lan, None),
        ] {
            assert!(addressed_to_us(host, bound, reached), "{host} {bound}");
        }
        for (host, bound, reached) in [
            ("evil.example:8000", loopback, None),
            ("127.0.0.1:8001", loopback, None),
            ("127.0.0.1", loopback, None),
            ("127.0.0.1:", loopback, None),
            ("127.0.0.1:+8000", loopback, None),
            ("127.0.0.1:08000x", loopback, None),
            ("0.0.0.0:8000", all, Some(lan)),
            ("192.168.1.6:8000", all, Some(lan)),
            ("[::1:8000", loopback, None),
            ("::1:8000", loopback, None),
            ("[localhost]:8000", loopback, None),
            ("127.1:8000", loopback, None),
            ("", loopback, None),
        ] {
            assert!(!addressed_to_us(host, bound, reached), "{host} {bound}");
        }
        let port80: SocketAddr = "127.0.0.1:80".parse().unwrap();
        assert!(addressed_to_us("localhost", port80, None));
    }

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
