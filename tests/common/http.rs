//! A small HTTP/1.1 server on 127.0.0.1 for the capability tests (never any other address).
//! One thread per connection, `Connection: close`, bounded reads; stops when dropped.
//!
//! Routes: `/json` (a JSON document), `/text`, `/big?n=N` (N bytes), `/slow?ms=N` (answers
//! after N ms, noting a client that hangs up first), `/redirect?to=URL` (302), `/echo`
//! (method, headers and body back as JSON), `/fat-headers?n=N` (one N-byte header).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the server saw.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// `METHOD /path?query` of each request.
    pub requests: Vec<String>,
    /// Paths of `/slow` requests whose client hung up before the answer, and when.
    pub hung_up: Vec<(String, Instant)>,
}

pub(crate) struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    pub seen: Arc<Mutex<Seen>>,
}

const MAX_CONNECTIONS: usize = 2000;

impl Server {
    pub(crate) fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (s, seen2) = (Arc::clone(&stop), Arc::clone(&seen));
        let accept = std::thread::spawn(move || {
            let count = AtomicUsize::new(0);
            while !s.load(Ordering::SeqCst) && count.load(Ordering::SeqCst) < MAX_CONNECTIONS {
                match listener.accept() {
                    Ok((conn, _)) => {
                        count.fetch_add(1, Ordering::SeqCst);
                        let (seen, stop) = (Arc::clone(&seen2), Arc::clone(&s));
                        std::thread::spawn(move || serve(conn, addr, &seen, &stop));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(1)),
                }
            }
        });
        Server {
            addr,
            stop,
            accept: Some(accept),
            seen,
        }
    }

    pub(crate) fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `127.0.0.1:PORT`
    pub(crate) fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port())
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port())
    }

    pub(crate) fn requests(&self) -> Vec<String> {
        self.seen
            .lock()
            .map(|s| s.requests.clone())
            .unwrap_or_default()
    }

    pub(crate) fn hung_up(&self) -> Vec<(String, Instant)> {
        self.seen
            .lock()
            .map(|s| s.hung_up.clone())
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn query<'a>(target: &'a str, key: &str) -> Option<&'a str> {
    let q = target.split_once('?')?.1;
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

fn serve(mut conn: TcpStream, addr: SocketAddr, seen: &Mutex<Seen>, stop: &AtomicBool) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 256 * 1024 {
            return;
        }
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    let mut length = 0usize;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
            if k == "content-length" {
                length = v.parse().unwrap_or(0).min(16 * 1024 * 1024);
            }
            headers.push((k, v));
        }
    }
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    if let Ok(mut s) = seen.lock() {
        s.requests.push(format!("{method} {target}"));
    }
    let path = target.split('?').next().unwrap_or_default().to_string();
    let (status, extra, content): (u16, Vec<(String, String)>, Vec<u8>) = match path.as_str() {
        "/json" => (
            200,
            vec![("content-type".into(), "application/json".into())],
            br#"{"items":[{"name":"a","price":10},{"name":"b","price":32}]}"#.to_vec(),
        ),
        "/text" => (200, vec![], b"hello from loopback".to_vec()),
        "/big" => {
            let n: usize = query(&target, "n")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            (200, vec![], vec![b'x'; n.min(64 * 1024 * 1024)])
        }
        "/fat-headers" => {
            let n: usize = query(&target, "n")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            (
                200,
                vec![("x-fat".into(), "y".repeat(n.min(1024 * 1024)))],
                b"ok".to_vec(),
            )
        }
        "/redirect" => {
            let to = query(&target, "to")
                .unwrap_or("/text")
                .replace("%3A", ":")
                .replace("%2F", "/");
            (302, vec![("location".into(), to)], Vec::new())
        }
        "/slow" => {
            let ms: u64 = query(&target, "ms")
                .and_then(|n| n.parse().ok())
                .unwrap_or(1000);
            let until = Instant::now() + Duration::from_millis(ms.min(30_000));
            let _ = conn.set_nonblocking(true);
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                match conn.read(&mut chunk) {
                    Ok(0) => {
                        if let Ok(mut s) = seen.lock() {
                            s.hung_up.push((target.clone(), Instant::now()));
                        }
                        return;
                    }
                    _ => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            let _ = conn.set_nonblocking(false);
            (200, vec![], b"late".to_vec())
        }
        "/echo" => {
            let v = serde_json::json!({
                "method": method,
                "target": target,
                "headers": headers,
                "body": String::from_utf8_lossy(&body),
                "host": addr.to_string(),
            });
            (
                200,
                vec![("content-type".into(), "application/json".into())],
                v.to_string().into_bytes(),
            )
        }
        _ => (404, vec![], b"not found".to_vec()),
    };
    let mut out = format!(
        "HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-length: {}\r\n",
        content.len()
    );
    for (k, v) in extra {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let _ = conn.write_all(out.as_bytes());
    let _ = conn.write_all(&content);
    let _ = conn.flush();
}
