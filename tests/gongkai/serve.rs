//! `gongkai serve`: the real binary on port 0 against a temp project, spoken to over HTTP
//! with a minimal std::net client (loopback only). Every wait is bounded and the server is
//! always killed (`Serve` is a drop guard).

use crate::support::{attrs, texts, Project};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// A running `gongkai serve`, killed on drop.
struct Serve {
    child: Child,
    /// `127.0.0.1:PORT`
    addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    fn start(p: &Project, extra: &[&str]) -> Serve {
        Serve::start_env(p, extra, &[])
    }

    fn start_env(p: &Project, extra: &[&str], env: &[(&str, &str)]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(["serve", "--port", "0", "--root"])
            .arg(p.dir.path())
            .args(extra)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut serve = Serve {
            child,
            addr: String::new(),
            stderr,
        };
        let line = rx
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("no URL printed; stderr:\n{}", serve.stderr()));
        let url = line
            .strip_prefix("serving http://")
            .and_then(|u| u.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected first line: {line}"));
        assert!(url.starts_with("127.0.0."), "{url}");
        serve.addr = url.to_string();
        serve
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends `request` as is and reads the whole response (the server closes after it).
    fn raw(&self, request: &str) -> Response {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        s.read_to_end(&mut bytes).unwrap();
        Response::parse(&bytes)
    }

    fn get(&self, path: &str) -> Response {
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        ))
    }

    /// Opens the live-reload stream as a page served at `generation` would.
    fn events(&self, generation: u64) -> Events {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            s,
            "GET /__gongkai/events?since={generation} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        let mut content_type = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Type: ") {
                content_type = v.trim().to_string();
            }
        }
        assert!(content_type.starts_with("text/event-stream"));
        Events { reader }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn parse(bytes: &[u8]) -> Response {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a response head");
        let head = std::str::from_utf8(&bytes[..split]).unwrap();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap();
        let headers = lines
            .map(|l| {
                let (k, v) = l.split_once(": ").unwrap();
                (k.to_ascii_lowercase(), v.to_string())
            })
            .collect();
        Response {
            status: status.parse().unwrap(),
            headers,
            body: bytes[split + 4..].to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.text())
    }

    /// The generation the page was served at, from its reload script.
    fn generation(&self) -> u64 {
        let text = self.text();
        let at = text.find("events?since=").expect("a reload script") + "events?since=".len();
        text[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    }
}

struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// The next event as (name, data); panics after the read timeout.
    fn next(&mut self) -> (String, String) {
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            let n = self
                .reader
                .read_line(&mut line)
                .expect("an event within the timeout");
            assert!(n > 0, "event stream closed");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !name.is_empty() {
                    return (name, data);
                }
            } else if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push_str(v);
            }
        }
    }
}

/// The overlay's text in a page, if it has one.
fn overlay(doc: &scraper::Html) -> Option<String> {
    texts(doc, "#gongkai-overlay pre").into_iter().next()
}

#[test]
fn serves_the_site_and_reloads_on_edits_errors_and_fixes() {
    let p = Project::fixture("basic");
    let s = Serve::start(&p, &[]);

    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        texts(&home.html(), "#gongkai-overlay"),
        Vec::<String>::new()
    );
    let mut events = s.events(home.generation());

    p.edit("content/2023/report.md", "开篇段落", "审阅后的开篇段落");
    assert_eq!(events.next().0, "reload");
    let page = s.get("/2023/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("审阅后的开篇段落"));

    // A broken edit: the overlay lists exactly what `check` prints.
    p.edit(
        "content/2023/report.md",
        "value(\"jobs.total\")",
        "value(\"jobs.totl\")",
    );
    let (name, data) = events.next();
    assert_eq!(name, "diagnostics");
    let check = p.run(&["check"]);
    check.fails_at("E004", "content/2023/report.md:16:14");
    let printed = check
        .stderr
        .trim_end()
        .trim_end_matches("nothing was written; fix the errors above and run again");
    let sent: String = serde_json::from_str(&data).unwrap();
    let sent = overlay(&scraper::Html::parse_fragment(&sent)).expect("an overlay");
    let normalise = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(sent, normalise(printed));
    assert!(sent.contains("--> content/2023/report.md:16:14"), "{sent}");
    assert!(
        sent.contains("= help: did you mean `jobs.total`?"),
        "{sent}"
    );

    // The last good site stays served, with the overlay over every page.
    let broken = s.get("/2023/");
    assert_eq!(broken.status, 200);
    assert!(broken.text().contains("审阅后的开篇段落"));
    assert_eq!(overlay(&broken.html()).as_deref(), Some(sent.as_str()));
    assert!(overlay(&s.get("/2023/notes.html").html()).is_some());

    p.edit(
        "content/2023/report.md",
        "value(\"jobs.totl\")",
        "value(\"jobs.total\")",
    );
    assert_eq!(events.next().0, "reload");
    let fixed = s.get("/2023/");
    assert_eq!(overlay(&fixed.html()), None);
    assert!(fixed.generation() > home.generation());

    // A tab that missed rebuilds is told to reload as soon as it connects.
    assert_eq!(s.events(home.generation()).next().0, "reload");

    // The preview never wrote anything; `build` output has none of its additions.
    assert!(!p.path("public").exists());
    assert!(!p.path(".gongkai").exists());
    p.build();
    for (path, bytes) in p.output_files() {
        let text = String::from_utf8_lossy(&bytes);
        for mark in [
            "__gongkai",
            "gongkai-overlay",
            "gongkai-draft",
            "EventSource",
        ] {
            assert!(!text.contains(mark), "{path} contains {mark}");
        }
    }
    drop(s);
}

#[test]
fn serves_only_files_of_the_site_with_their_types() {
    let p = Project::fixture("basic");
    p.write("secret.txt", "TOP-SECRET");
    #[cfg(unix)]
    std::os::unix::fs::symlink(p.path("secret.txt"), p.path("content/2023/link.txt")).unwrap();
    let s = Serve::start(&p, &[]);

    for (path, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/2023/index.html", "text/html; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/2023/charts/jobs.total.svg", "image/svg+xml"),
        ("/2023/data.csv", "text/csv; charset=utf-8"),
        ("/2023/data.json", "application/json"),
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
    }
    // Non-HTML files are served exactly as built.
    let svg = s.get("/2023/charts/jobs.total.svg");
    roxmltree::Document::parse(&svg.text()).unwrap();
    assert!(!svg.text().contains("gongkai"));

    let folder = s.get("/2023");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some("/2023/"));

    for path in [
        "/../secret.txt",
        "/2023/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/2023/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/2023%5c..%5c..%5csecret.txt",
        "//secret.txt",
        "/etc/passwd",
        "/C:/Windows/win.ini",
        "/2023/link.txt",
        "/2023/%00index.html",
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("TOP-SECRET"), "{path}");
    }
    let absolute = s.raw(&format!(
        "GET http://{0}/secret.txt HTTP/1.1\r\nHost: {0}\r\n\r\n",
        s.addr
    ));
    assert_eq!(absolute.status, 404);

    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = s.raw(&format!(
            "{method} /index.html HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n",
            s.addr
        ));
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
    }
    let head = s.raw(&format!(
        "HEAD /2023/data.csv HTTP/1.1\r\nHost: {}\r\n\r\n",
        s.addr
    ));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let csv = s.get("/2023/data.csv");
    assert_eq!(
        head.header("content-length"),
        Some(csv.body.len().to_string().as_str())
    );
}

#[test]
fn marks_drafts_and_lists_every_indicator_for_review() {
    let p = Project::fixture("basic");
    // A rate over 100: a warning the review page lists against its indicator.
    p.edit(
        "content/2023/indicators.yaml",
        "        value: 3.2\n",
        "        value: 103.2\n",
    );
    let s = Serve::start(&p, &[]);

    let draft = s.get("/2024/");
    assert_eq!(draft.status, 200);
    assert_eq!(texts(&draft.html(), "#gongkai-draft"), ["草稿 · 未公开"]);
    assert_eq!(
        texts(&s.get("/").html(), "#gongkai-draft"),
        ["草稿 · 未公开"]
    );
    assert_eq!(
        texts(&s.get("/2023/").html(), "#gongkai-draft"),
        Vec::<String>::new()
    );

    // Every figure printed by a narrative function says where it comes from.
    let titles = attrs(
        &s.get("/2023/").html(),
        "span.gongkai-figure[data-indicator='jobs.total']",
        "title",
    );
    assert_eq!(
        titles.len(),
        4,
        "value, target, completion, change: {titles:?}"
    );
    assert_eq!(
        titles[0],
        "jobs.total · 城乡就业\nvalue() = 1100（单位：人）\n来源：content/2023/indicators.yaml:5"
    );

    let review = s.get("/__gongkai/review");
    assert_eq!(review.status, 200);
    let doc = review.html();
    let row: Vec<String> = crate::support::rows(&doc, "table")
        .into_iter()
        .find(|r| r.get(1).map(String::as_str) == Some("jobs.total") && r[3] == "1100")
        .expect("a 2023 row for jobs.total");
    assert_eq!(row[0], "城乡就业");
    assert_eq!(row[4], "1000");
    assert_eq!(row[5], "增长10.0％");
    assert_eq!(row[7], "content/2023/indicators.yaml:5");
    assert_eq!(row[8], "", "no findings against jobs.total");
    let rate: Vec<String> = crate::support::rows(&doc, "table")
        .into_iter()
        .find(|r| r.get(1).map(String::as_str) == Some("jobs.rate") && r[3] == "103.2")
        .expect("a 2023 row for jobs.rate");
    assert!(rate[8].contains("warning[W002]"), "{rate:?}");
    assert_eq!(
        texts(&doc, "h2"),
        ["2024年度（草稿 · 未公开）", "2023年度", "2022年度"]
    );
}

#[test]
fn polls_and_recovers_from_a_broken_start() {
    let p = Project::fixture("basic");
    p.edit("content/site.yaml", "title:", "titel:");
    let s = Serve::start(&p, &["--poll"]);

    let broken = s.get("/");
    assert_eq!(broken.status, 503);
    let text = overlay(&broken.html()).expect("an overlay");
    assert!(text.contains("error[E001]"), "{text}");
    assert!(text.contains("--> content/site.yaml:"), "{text}");
    let mut events = s.events(broken.generation());

    p.edit("content/site.yaml", "titel:", "title:");
    assert_eq!(events.next().0, "reload", "stderr:\n{}", s.stderr());
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(overlay(&home.html()), None);
}

/// A request for `/` with the given Host header line (or none).
fn for_host(host: Option<&str>) -> String {
    match host {
        Some(h) => format!("GET / HTTP/1.1\r\nHost: {h}\r\n\r\n"),
        None => "GET / HTTP/1.1\r\n\r\n".into(),
    }
}

#[test]
fn answers_only_requests_addressed_to_itself() {
    let p = Project::fixture("basic");
    // Bound to another loopback address than 127.0.0.1, so `--bind` is what is accepted.
    let s = Serve::start(&p, &["--bind", "127.0.0.2"]);
    let port: u16 = s.addr.rsplit_once(':').unwrap().1.parse().unwrap();
    let title = "测试局信息公开";
    assert!(s.get("/").text().contains(title));

    for host in [
        format!("127.0.0.2:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let r = s.raw(&for_host(Some(&host)));
        assert_eq!(r.status, 200, "{host}");
        assert!(r.text().contains(title), "{host}");
    }
    // Every request names its host, HTTP/1.0 ones too (see
    // `every_request_needs_exactly_one_well_formed_host_header`).
    assert_eq!(s.raw("GET / HTTP/1.0\r\n\r\n").status, 400);
    let missing = s.raw(&for_host(None));
    assert_eq!(missing.status, 400);
    assert!(!missing.text().contains(title));

    // DNS rebinding: a page of evil.example whose name now points at the preview sends its
    // own name; so does anything else that is not this server's address and port.
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.2.evil.example:{port}"),
        format!("127.0.0.3:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
        format!("127.0.0.2:{port}0"),
        "127.0.0.2".to_string(),
        "localhost".to_string(),
        format!("[::1]:{port}x"),
    ] {
        for path in [
            "/",
            "/2023/data.csv",
            "/__gongkai/review",
            "/__gongkai/events",
        ] {
            let r = s.raw(&format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n"));
            assert_eq!(r.status, 421, "{host} {path}");
            assert_eq!(
                r.header("content-type"),
                Some("text/plain; charset=utf-8"),
                "{host}"
            );
            let text = r.text();
            assert!(text.contains(&format!("http://{}/", s.addr)), "{text}");
            assert!(
                !text.contains(title) && !text.contains("jobs") && !text.contains("evil"),
                "{host} {path}: {text}"
            );
        }
    }
    // Two Host headers may be read differently on the way: neither is trusted.
    let two = s.raw(&format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nHost: evil.example\r\n\r\n",
        s.addr
    ));
    assert_eq!(two.status, 400);
    assert!(!two.text().contains(title));
}

#[test]
fn every_request_needs_exactly_one_well_formed_host_header() {
    let p = Project::fixture("basic");
    let s = Serve::start(&p, &[]);
    let title = "测试局信息公开";
    let host = s.addr.clone();
    for request in [
        format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        format!("GET / HTTP/1.0\r\nHost: {host}\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nhost:{host}\r\nAccept: */*\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHOST: \t{host} \r\n\r\n"),
        format!("GET / HTTP/1.1\nHost: {host}\n\n"),
    ] {
        let r = s.raw(&request);
        assert_eq!(r.status, 200, "{request:?}");
        assert!(r.text().contains(title), "{request:?}");
    }
    for request in [
        // HTTP/1.0 without a Host header: whose is it?
        "GET / HTTP/1.0\r\n\r\n".to_string(),
        "HEAD / HTTP/1.0\r\nAccept: */*\r\n\r\n".to_string(),
        // A space before the colon: not a Host header to this server, maybe one to a proxy.
        "GET / HTTP/1.0\r\nHost : evil.example\r\n\r\n".to_string(),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nHost : evil.example\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost : {host}\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost\t: {host}\r\n\r\n"),
        // Folded onto the next line (obs-fold), before or after the value.
        format!("GET / HTTP/1.1\r\nHost:\r\n {host}\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\n evil.example\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n\tHost: evil.example\r\n\r\n"),
        // Not one host.
        format!("GET / HTTP/1.1\r\nHost: {host} evil.example\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: {host},evil.example\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: {host}@evil.example\r\n\r\n"),
        "GET / HTTP/1.1\r\nHost: \r\n\r\n".to_string(),
        // A header line without a name and colon.
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nnot a header\r\n\r\n"),
        format!("GET / HTTP/1.1\r\n: {host}\r\nHost: {host}\r\n\r\n"),
    ] {
        let r = s.raw(&request);
        assert_eq!(r.status, 400, "{request:?}");
        let text = r.text();
        assert!(!text.contains(title), "{request:?}: {text}");
    }
    // A request line longer than any path of the site: 414, read whole and answered.
    let long = format!(
        "GET /{} HTTP/1.1\r\nHost: {host}\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    let r = s.raw(&long);
    assert_eq!(r.status, 414);
    assert!(r.text().contains("too long"), "{}", r.text());
}

#[test]
fn a_client_trickling_its_request_is_cut_off_at_the_deadline() {
    let p = Project::fixture("basic");
    // A short deadline, so the test does not wait ten seconds.
    let s = Serve::start_env(&p, &[], &[("GONGKAI_SERVE_HEAD_DEADLINE_MS", "1000")]);
    let mut head = format!("GET / HTTP/1.1\r\nHost: {}\r\n", s.addr);
    for i in 0..40 {
        head.push_str(&format!("X-Padding-{i}: slowly\r\n"));
    }
    head.push_str("\r\n");

    let mut trickler = TcpStream::connect(&s.addr).unwrap();
    // Reads until the server closes the connection (no read timeout: a timeout is not a
    // close; the server is killed at the end of the test in any case).
    let mut reader = trickler.try_clone().unwrap();
    let (tx, closed) = mpsc::channel();
    std::thread::spawn(move || {
        let mut answer = Vec::new();
        let _ = reader.read_to_end(&mut answer);
        let _ = tx.send(answer);
    });
    // One byte at a time, each well within any per-read timeout: sending the whole head this
    // way takes far longer than the deadline.
    let mut sent = 0;
    let answer = loop {
        if let Ok(answer) = closed.try_recv() {
            break answer;
        }
        assert!(
            sent < head.len(),
            "the whole head was trickled in without the connection being closed"
        );
        if trickler.write_all(&head.as_bytes()[sent..=sent]).is_err() {
            break closed.recv_timeout(WAIT).unwrap_or_default();
        }
        sent += 1;
        std::thread::sleep(Duration::from_millis(25));
    };
    assert!(sent < head.len(), "cut off after the last byte: {sent}");
    // Cut off with a 408, or just closed; never served.
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408 "),
        "{text}"
    );

    // Requests sent at once are served as before.
    assert_eq!(s.get("/").status, 200);
}

/// Opens a connection that sends part of a request head and then nothing.
fn idle(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    s
}

/// Retries `get` until it is served, for a bounded time (the server frees the places of
/// closed connections as it notices them).
fn served_eventually(s: &Serve, path: &str) -> Response {
    let until = std::time::Instant::now() + WAIT;
    loop {
        let mut c = TcpStream::connect(&s.addr).unwrap();
        c.set_read_timeout(Some(WAIT)).unwrap();
        // A connection turned away at once (503) may be closed before the request is
        // written: a broken pipe is a refusal like any other.
        let _ = write!(c, "GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr);
        let mut bytes = Vec::new();
        let _ = c.read_to_end(&mut bytes);
        if bytes.starts_with(b"HTTP/1.1 200 ") || std::time::Instant::now() > until {
            return Response::parse(&bytes);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn holds_a_limited_number_of_connections_and_keeps_room_for_pages() {
    let p = Project::fixture("basic");
    // Idle connections must stay open while the test opens the others.
    let s = Serve::start_env(&p, &[], &[("GONGKAI_SERVE_HEAD_DEADLINE_MS", "600000")]);
    let generation = s.get("/").generation();

    // Open tabs: at most 48 event streams, the 49th is turned away...
    let tabs: Vec<Events> = (0..48).map(|_| s.events(generation)).collect();
    let refused_tab = s.raw(&format!(
        "GET /__gongkai/events?since={generation} HTTP/1.1\r\nHost: {}\r\n\r\n",
        s.addr
    ));
    assert_eq!(refused_tab.status, 503);
    assert!(
        refused_tab.text().contains("tabs"),
        "{}",
        refused_tab.text()
    );
    // ...and pages still load beside them.
    assert_eq!(s.get("/2023/").status, 200);

    // 64 connections in all: the next one is answered 503 at once, without a request.
    let held: Vec<TcpStream> = (0..16).map(|_| idle(&s.addr)).collect();
    let mut excess = TcpStream::connect(&s.addr).unwrap();
    excess.set_read_timeout(Some(WAIT)).unwrap();
    let mut bytes = Vec::new();
    excess.read_to_end(&mut bytes).unwrap();
    let busy = Response::parse(&bytes);
    assert_eq!(busy.status, 503);
    assert_eq!(busy.header("retry-after"), Some("1"));

    // Once they are gone, pages are served and tabs can listen again.
    drop(held);
    assert_eq!(served_eventually(&s, "/").status, 200);
    drop(tabs);
    let until = std::time::Instant::now() + WAIT;
    let mut tabs = Vec::new();
    while tabs.len() < 48 {
        let r = served_eventually(&s, "/");
        assert_eq!(r.status, 200);
        // A connection turned away while the old tabs' places come back may be closed
        // before the request is written or read: that is a refusal too.
        let attempt = || -> std::io::Result<(TcpStream, String)> {
            let mut c = TcpStream::connect(&s.addr)?;
            c.set_read_timeout(Some(WAIT))?;
            write!(
                c,
                "GET /__gongkai/events?since={generation} HTTP/1.1\r\nHost: {}\r\n\r\n",
                s.addr
            )?;
            let mut status = String::new();
            BufReader::new(&c).read_line(&mut status)?;
            Ok((c, status))
        };
        match attempt() {
            Ok((c, status)) if status.starts_with("HTTP/1.1 200 ") => tabs.push(c),
            other => {
                assert!(
                    std::time::Instant::now() < until,
                    "closed tabs were never given back: {:?}",
                    other.map(|(_, status)| status)
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// A figure of the annual report is marked for review with its cell's line in nianbao.yaml,
/// and an edit of nianbao.yaml re-renders the report's page (its inputs are fingerprinted
/// with the page's own text).
#[test]
fn the_annual_report_is_reviewed_and_reloaded_like_any_page() {
    let p = Project::example();
    let s = Serve::start(&p, &[]);
    let page = s.get("/2023/nianbao.html");
    assert_eq!(page.status, 200);
    let marks = |doc: &scraper::Html| {
        attrs(
            doc,
            "span.gongkai-figure[data-indicator='nb.requests.new.total']",
            "title",
        )
    };
    let titles = marks(&page.html());
    assert!(!titles.is_empty(), "the new-applications total is printed");
    assert_eq!(
        titles[0],
        "nb.requests.new.total\nvalue() = 28\n来源：content/2023/nianbao.yaml:21"
    );
    let mut events = s.events(page.generation());
    // One more application from a person, still open at the end of the year: every sum holds.
    // One write, so the watcher never sees half of the edit.
    let text = p
        .read("content/2023/nianbao.yaml")
        .replace(
            "new:          [24, 2, 0, 1, 1, 0, 28]",
            "new:          [25, 2, 0, 1, 1, 0, 29]",
        )
        .replace(
            "carried_over: [1, 0, 0, 0, 0, 0, 1]",
            "carried_over: [2, 0, 0, 0, 0, 0, 2]",
        );
    p.write("content/2023/nianbao.yaml", &text);
    loop {
        let (name, _) = events.next();
        assert_ne!(name, "diagnostics", "the edit keeps every rule");
        let page = s.get("/2023/nianbao.html");
        if marks(&page.html())[0].contains("value() = 29") {
            break;
        }
    }
}
