//! `fetch` performed by the host, to granted hosts only.
//!
//! Each request (and each redirect it follows: redirects are followed here, one hop at a
//! time, never by the HTTP client) is checked against the run's network grants: scheme
//! http/https, host, port. A name is then resolved by the broker and every address checked:
//! a loopback, private, link-local, unspecified, multicast or otherwise special address
//! (IPv4 and IPv6, IPv4-mapped and NAT64 forms included) is used only when that address is
//! itself granted, so a granted name pointing at `127.0.0.1` or `169.254.169.254` (DNS
//! rebinding) reaches nothing. The client then connects to exactly the checked addresses (a
//! per-hop client whose only resolution is that list; no proxy, no other lookup). Request
//! and response headers and bodies are capped, the number of requests is capped, and every
//! request ends by its timeout, always within the run's wall deadline. Dropping the broker
//! (the run ended) cancels what is in flight.
//!
//! The HTTP client is reqwest on a small tokio runtime of this module (one worker thread,
//! started on the first request of the process); TLS is rustls with the ring provider and
//! the system's root certificates (loaded on the first https request).

use super::{Answer, Bytes};
use super::{CallResult, Counters, FailKind, Failure, MAX_IN_FLIGHT, MAX_URL_BYTES};
use crate::engine::policy::{Permissions, Protocol};
use crate::engine::Category;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Most redirects one request follows (as browsers and Node).
pub const MAX_REDIRECTS: usize = 20;
/// Most headers of one request or response.
pub const MAX_HEADERS: usize = 128;
/// How far past the run's wall deadline a request may last before its own timeout ends it
/// (the run's end cancels it first).
const DEADLINE_BACKSTOP: Duration = Duration::from_millis(250);
/// Most addresses of one name tried.
const MAX_ADDRESSES: usize = 16;

/// What `fetch` does with a redirect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectMode {
    #[default]
    Follow,
    Error,
    Manual,
}

/// An HTTP request from the script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchRequest {
    pub url: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Bytes>,
    #[serde(default)]
    pub redirect: RedirectMode,
    /// The script's own timeout (`AbortSignal.timeout`), within the broker's.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// A complete response (the body is read whole, within its cap, before the answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchResponse {
    pub status: u16,
    pub status_text: String,
    /// The final URL (after redirects).
    pub url: String,
    pub redirected: bool,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// Installs ring as the process's rustls provider (once). Every reqwest client built without
/// a TLS configuration of its own (the OTLP exporter's) needs one.
pub fn ensure_crypto_provider() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        // Err: another provider was installed first, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// TLS for plain-http clients (never used to verify anything: no roots, so any TLS fails).
fn no_tls() -> Result<rustls::ClientConfig, String> {
    static CONFIG: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            Ok(rustls::ClientConfig::builder_with_provider(provider())
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth())
        })
        .clone()
}

/// TLS verified against the system's root certificates, loaded once per process.
fn system_tls() -> Result<rustls::ClientConfig, String> {
    static CONFIG: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let p = provider();
            let verifier = rustls_platform_verifier::Verifier::new(Arc::clone(&p))
                .map_err(|e| format!("the system's root certificates: {e}"))?;
            Ok(rustls::ClientConfig::builder_with_provider(p)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth())
        })
        .clone()
}

/// The broker's runtime: one worker thread, started on the first request of the process.
fn runtime() -> Option<&'static tokio::runtime::Runtime> {
    static RT: OnceLock<Option<tokio::runtime::Runtime>> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(4)
            .thread_name("sandbench-net")
            .enable_all()
            .build()
            .ok()
    })
    .as_ref()
}

/// What every request of one run shares.
struct RunNet {
    perms: Arc<Permissions>,
    counters: Arc<Counters>,
    deadline: Instant,
}

/// The network half of a run's broker.
pub struct NetBroker {
    run: Arc<RunNet>,
    tasks: HashMap<u64, tokio::task::JoinHandle<()>>,
}

impl NetBroker {
    pub fn new(perms: Arc<Permissions>, counters: Arc<Counters>, deadline: Instant) -> NetBroker {
        NetBroker {
            run: Arc::new(RunNet {
                perms,
                counters,
                deadline,
            }),
            tasks: HashMap::new(),
        }
    }

    /// Starts a request; `done` gets its result unless it is aborted first.
    pub fn start(&mut self, id: u64, req: FetchRequest, done: Box<dyn FnOnce(CallResult) + Send>) {
        self.tasks.retain(|_, t| !t.is_finished());
        if self.tasks.len() >= MAX_IN_FLIGHT {
            return done(Err(limit(format!(
                "at most {MAX_IN_FLIGHT} requests may be in flight at once"
            ))));
        }
        let prepared = match prepare(&self.run, req) {
            Ok(p) => p,
            Err(f) => return done(Err(f)),
        };
        let Some(rt) = runtime() else {
            return done(Err(Failure::new(
                FailKind::Failed,
                "ERR_FETCH_FAILED",
                "the network runtime could not start",
            )));
        };
        let run = Arc::clone(&self.run);
        let task = rt.spawn(async move {
            let r = perform(&run, prepared).await;
            done(r);
        });
        self.tasks.insert(id, task);
    }

    /// Cancels a request (its connection is closed; `done` is never called).
    pub fn abort(&mut self, id: u64) {
        if let Some(t) = self.tasks.remove(&id) {
            t.abort();
        }
    }

    pub fn abort_all(&mut self) {
        for (_, t) in self.tasks.drain() {
            t.abort();
        }
    }
}

impl Drop for NetBroker {
    fn drop(&mut self) {
        self.abort_all();
    }
}

fn limit(message: String) -> Failure {
    Failure::new(FailKind::Limit, "ERR_SANDBOX_LIMIT", message)
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure::new(FailKind::Invalid, "ERR_INVALID_ARG_VALUE", message)
}

fn failed(message: impl Into<String>) -> Failure {
    Failure::new(FailKind::Failed, "ERR_FETCH_FAILED", message)
}

fn refuse(url: &str, why: &str) -> Failure {
    let shown = crate::engine::text::truncate(url, 300);
    Failure::refused(
        Category::Network,
        url,
        "ERR_ACCESS_DENIED",
        format!("fetch to '{shown}' refused: {why}"),
    )
}

/// A request checked for everything that needs no network: ready to send.
struct Prepared {
    url: url::Url,
    method: reqwest::Method,
    headers: reqwest::header::HeaderMap,
    body: Option<Vec<u8>>,
    redirect: RedirectMode,
    timeout: Duration,
    /// The timeout is the script's own (`AbortSignal.timeout`).
    script_timeout: bool,
}

/// Request headers the client sets itself.
const FORBIDDEN_HEADERS: [&str; 10] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "proxy-authorization",
    "proxy-connection",
];

fn prepare(run: &RunNet, req: FetchRequest) -> Result<Prepared, Failure> {
    let limits = &run.perms.limits;
    if req.url.len() > MAX_URL_BYTES {
        return Err(invalid(format!("the URL is over {MAX_URL_BYTES} bytes")));
    }
    let url = url::Url::parse(&req.url)
        .map_err(|e| invalid(format!("Invalid URL '{}': {e}", short(&req.url))))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(format!(
            "'{}' has credentials in it; send them in a header",
            short(url.as_str())
        )));
    }
    let upper = req.method.to_ascii_uppercase();
    let method = match upper.as_str() {
        "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS" => upper,
        "CONNECT" | "TRACE" | "TRACK" => {
            return Err(invalid(format!("method {} is forbidden", req.method)))
        }
        _ => req.method.clone(),
    };
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| invalid(format!("'{}' is not a valid method", short(&req.method))))?;
    if req.headers.len() > MAX_HEADERS {
        return Err(limit(format!(
            "a request may carry at most {MAX_HEADERS} headers"
        )));
    }
    let mut headers = reqwest::header::HeaderMap::new();
    let mut header_bytes = 0u64;
    for (k, v) in &req.headers {
        let name = reqwest::header::HeaderName::from_bytes(k.as_bytes())
            .map_err(|_| invalid(format!("'{}' is not a valid header name", short(k))))?;
        if FORBIDDEN_HEADERS.contains(&name.as_str()) || name.as_str().starts_with("proxy-") {
            return Err(invalid(format!(
                "header '{}' is set by the host and cannot be set in sandbox",
                name.as_str()
            )));
        }
        let value = reqwest::header::HeaderValue::from_str(v).map_err(|_| {
            invalid(format!(
                "the value of header '{}' is not valid",
                name.as_str()
            ))
        })?;
        header_bytes += (k.len() + v.len() + 4) as u64;
        headers.append(name, value);
    }
    if header_bytes > limits.net_max_header_bytes {
        return Err(limit(format!(
            "the request headers are {header_bytes} bytes; the limit is {}",
            limits.net_max_header_bytes
        )));
    }
    let body = req.body.map(|b| b.0);
    if let Some(b) = &body {
        if method == reqwest::Method::GET || method == reqwest::Method::HEAD {
            return Err(invalid(format!("a {method} request cannot have a body")));
        }
        if b.len() as u64 > limits.net_max_request_bytes {
            return Err(limit(format!(
                "the request body is {} bytes; the limit is {}",
                b.len(),
                limits.net_max_request_bytes
            )));
        }
    }
    // A request never outlives its run: the run's end cancels it (in process, when the
    // evaluation stops at its wall deadline; out of process, when the parent ends the
    // worker). This cap is the backstop, a little past the deadline so that the run's own
    // end, not a request timeout, is what the script sees at the deadline.
    let broker_timeout = Duration::from_millis(limits.net_timeout_ms);
    let left = run.deadline.saturating_duration_since(Instant::now()) + DEADLINE_BACKSTOP;
    let mut timeout = broker_timeout.min(left);
    let mut script_timeout = false;
    if let Some(ms) = req.timeout_ms {
        let own = Duration::from_millis(ms);
        if own <= timeout {
            timeout = own;
            script_timeout = true;
        }
    }
    Ok(Prepared {
        url,
        method,
        headers,
        body,
        redirect: req.redirect,
        timeout,
        script_timeout,
    })
}

fn short(s: &str) -> std::borrow::Cow<'_, str> {
    crate::engine::text::truncate(s, 300)
}

/// Sends the request (following redirects), within its timeout.
async fn perform(run: &RunNet, p: Prepared) -> CallResult {
    let timeout = p.timeout;
    let script_timeout = p.script_timeout;
    let url = p.url.to_string();
    match tokio::time::timeout(timeout, hops(run, p)).await {
        Ok(r) => r,
        Err(_) if script_timeout => Err(Failure::new(
            FailKind::Timeout,
            "TimeoutError",
            "The operation was aborted due to timeout",
        )),
        Err(_) => Err(Failure::new(
            FailKind::Timeout,
            "ETIMEDOUT",
            format!(
                "fetch to '{}' timed out after {} ms (the per-request limit)",
                short(&url),
                timeout.as_millis()
            ),
        )),
    }
}

/// Whether the grants allow a request to `url`: its protocol, host and port.
fn check_url(perms: &Permissions, url: &url::Url) -> Result<(Protocol, u16), Failure> {
    let shown = url.as_str();
    let Some(protocol) = Protocol::from_scheme(url.scheme()) else {
        return Err(refuse(shown, "only http and https can be fetched"));
    };
    let Some(host) = url.host() else {
        return Err(refuse(shown, "the URL has no host"));
    };
    let Some(port) = url.port_or_known_default() else {
        return Err(refuse(shown, "the URL has no port"));
    };
    if !perms
        .network
        .iter()
        .any(|g| g.matches(protocol, &host, port))
    {
        return Err(refuse(
            shown,
            &format!(
                "{}://{}:{port} is not a granted host",
                protocol.as_str(),
                url.host_str().unwrap_or_default()
            ),
        ));
    }
    Ok((protocol, port))
}

/// The addresses of a granted name that may be used: public ones, and special ones only when
/// granted themselves. `None` for an IP literal (checked by the grant itself).
async fn checked_addresses(
    perms: &Permissions,
    url: &url::Url,
    protocol: Protocol,
    port: u16,
) -> Result<Option<(String, Vec<SocketAddr>)>, Failure> {
    let Some(url::Host::Domain(name)) = url.host() else {
        return Ok(None);
    };
    let found: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
        .await
        .map_err(|e| {
            failed(format!(
                "fetch to '{}' failed: cannot resolve '{name}': {e}",
                short(url.as_str())
            ))
        })?
        .take(MAX_ADDRESSES)
        .collect();
    let mut kept = Vec::new();
    let mut special = Vec::new();
    for a in found.iter() {
        let ip = a.ip().to_canonical();
        if is_public(ip)
            || perms
                .network
                .iter()
                .any(|g| g.names_address(protocol, ip, port))
        {
            kept.push(SocketAddr::new(ip, port));
        } else {
            special.push(ip.to_string());
        }
    }
    if kept.is_empty() {
        if special.is_empty() {
            return Err(failed(format!(
                "fetch to '{}' failed: '{name}' has no address",
                short(url.as_str())
            )));
        }
        return Err(refuse(
            url.as_str(),
            &format!(
                "'{name}' resolves to {} (loopback, private or otherwise special), which is not granted itself",
                special.join(", ")
            ),
        ));
    }
    Ok(Some((name.to_string(), kept)))
}

/// A client for one hop: no proxy, no redirects, no retries, resolving nothing but `pinned`.
fn client_for(
    url: &url::Url,
    pinned: Option<&(String, Vec<SocketAddr>)>,
) -> Result<reqwest::Client, Failure> {
    let tls = if url.scheme() == "https" {
        system_tls()
    } else {
        no_tls()
    }
    .map_err(|e| {
        failed(format!(
            "fetch to '{}' failed: TLS: {e}",
            short(url.as_str())
        ))
    })?;
    let mut b = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .referer(false)
        .http1_only()
        .http1_max_headers(MAX_HEADERS)
        .pool_max_idle_per_host(0)
        .dns_resolver(Arc::new(NoLookup))
        .tls_backend_preconfigured(tls);
    if let Some((name, addrs)) = pinned {
        b = b.resolve_to_addrs(name, addrs);
    }
    b.build()
        .map_err(|e| failed(format!("fetch to '{}' failed: {e}", short(url.as_str()))))
}

/// The resolver of every client: resolves nothing (the one name a client may reach is pinned
/// to its checked addresses).
struct NoLookup;

impl reqwest::dns::Resolve for NoLookup {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_string();
        Box::pin(async move { Err(format!("'{name}' was not resolved by the broker").into()) })
    }
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

async fn hops(run: &RunNet, p: Prepared) -> CallResult {
    let Prepared {
        mut url,
        mut method,
        mut headers,
        mut body,
        redirect,
        ..
    } = p;
    let limits = run.perms.limits;
    let mut redirected = false;
    for _ in 0..=MAX_REDIRECTS {
        let (protocol, port) = check_url(&run.perms, &url)?;
        let pinned = checked_addresses(&run.perms, &url, protocol, port).await?;
        let client = client_for(&url, pinned.as_ref())?;
        let sent = run
            .counters
            .network_requests
            .fetch_add(1, Ordering::Relaxed)
            + 1;
        if sent > limits.net_max_requests {
            run.counters
                .network_requests
                .fetch_sub(1, Ordering::Relaxed);
            return Err(limit(format!(
                "the run's limit of {} requests is reached",
                limits.net_max_requests
            )));
        }
        let out_bytes: u64 = headers
            .iter()
            .map(|(k, v)| (k.as_str().len() + v.len() + 4) as u64)
            .sum::<u64>()
            + body.as_ref().map_or(0, |b| b.len() as u64);
        Counters::add(&run.counters.network_bytes_out, out_bytes);
        let mut rb = client
            .request(method.clone(), url.clone())
            .headers(headers.clone());
        if let Some(b) = &body {
            rb = rb.body(b.clone());
        }
        let mut resp = rb.send().await.map_err(|e| {
            failed(format!(
                "fetch to '{}' failed: {}",
                short(url.as_str()),
                chain(&e)
            ))
        })?;
        let status = resp.status().as_u16();
        let mut header_bytes = 0u64;
        let mut out_headers = Vec::new();
        for (k, v) in resp.headers() {
            header_bytes += (k.as_str().len() + v.len() + 4) as u64;
            out_headers.push((
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            ));
        }
        Counters::add(&run.counters.network_bytes_in, header_bytes);
        if header_bytes > limits.net_max_header_bytes {
            return Err(limit(format!(
                "the response headers of '{}' are {header_bytes} bytes; the limit is {}",
                short(url.as_str()),
                limits.net_max_header_bytes
            )));
        }
        if is_redirect(status) && redirect != RedirectMode::Manual {
            if redirect == RedirectMode::Error {
                return Err(failed(format!(
                    "fetch to '{}' was redirected and its redirect mode is 'error'",
                    short(url.as_str())
                )));
            }
            let Some(location) = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
            else {
                return Err(failed(format!(
                    "fetch to '{}' failed: a redirect without a valid Location",
                    short(url.as_str())
                )));
            };
            let next = url.join(location).map_err(|e| {
                failed(format!(
                    "fetch to '{}' failed: bad redirect: {e}",
                    short(url.as_str())
                ))
            })?;
            if status == 303 && method != reqwest::Method::HEAD
                || matches!(status, 301 | 302) && method == reqwest::Method::POST
            {
                method = reqwest::Method::GET;
                body = None;
                headers.remove(reqwest::header::CONTENT_TYPE);
            }
            if next.origin() != url.origin() {
                for h in ["authorization", "cookie", "proxy-authorization"] {
                    headers.remove(h);
                }
            }
            url = next;
            redirected = true;
            continue;
        }
        let cap = limits.net_max_response_bytes;
        let mut data = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| {
            failed(format!(
                "fetch to '{}' failed while reading: {}",
                short(url.as_str()),
                chain(&e)
            ))
        })? {
            Counters::add(&run.counters.network_bytes_in, chunk.len() as u64);
            if (data.len() + chunk.len()) as u64 > cap {
                return Err(limit(format!(
                    "the response body of '{}' is over the limit of {cap} bytes",
                    short(url.as_str())
                )));
            }
            data.extend_from_slice(&chunk);
        }
        return Ok(Answer::Response(FetchResponse {
            status,
            status_text: resp
                .status()
                .canonical_reason()
                .unwrap_or_default()
                .to_string(),
            url: url.to_string(),
            redirected,
            headers: out_headers,
            body: Bytes(data),
        }));
    }
    Err(failed(format!(
        "fetch to '{}' failed: more than {MAX_REDIRECTS} redirects",
        short(url.as_str())
    )))
}

/// An error with its causes, one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    let mut n = 0;
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
        n += 1;
        if n > 8 {
            break;
        }
    }
    s
}

/// Whether an address is an ordinary public unicast address. Everything else — loopback,
/// private, shared (CGNAT), link-local, unspecified, multicast, broadcast, documentation,
/// benchmarking, reserved, unique-local, site-local, discard-only — is special, and so are
/// IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) unless
/// that address is public.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => is_public_v4(a),
        IpAddr::V6(a) => is_public_v6(a),
    }
}

fn is_public_v4(a: Ipv4Addr) -> bool {
    let [o0, o1, o2, _] = a.octets();
    !(o0 == 0
        || o0 == 10
        || o0 == 127
        || (o0 == 100 && (64..=127).contains(&o1))
        || (o0 == 169 && o1 == 254)
        || (o0 == 172 && (16..=31).contains(&o1))
        || (o0 == 192 && o1 == 0 && o2 == 0)
        || (o0 == 192 && o1 == 0 && o2 == 2)
        || (o0 == 192 && o1 == 88 && o2 == 99)
        || (o0 == 192 && o1 == 168)
        || (o0 == 198 && (18..=19).contains(&o1))
        || (o0 == 198 && o1 == 51 && o2 == 100)
        || (o0 == 203 && o1 == 0 && o2 == 113)
        || o0 >= 224)
}

fn is_public_v6(a: Ipv6Addr) -> bool {
    if let Some(v4) = a.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = a.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if a.is_unspecified() || a.is_loopback() {
        return false;
    }
    match s[0] {
        // ::/96 (IPv4-compatible, deprecated) and the rest of ::/8.
        0 => false,
        // 64:ff9b::/96 (NAT64) and 64:ff9b:1::/48 (local NAT64).
        0x64 if s[1] == 0xff9b => s[2] == 0 && is_public_v4(embedded(s[6], s[7])),
        // 100::/64 discard-only.
        0x100 => false,
        // 2001::/32 Teredo, 2001:db8::/32 documentation, 2001:2::/48 benchmarking,
        // 2001:10::/28 ORCHID.
        0x2001 => !(s[1] == 0 || s[1] == 0xdb8 || s[1] == 2 || (0x10..=0x2f).contains(&s[1])),
        // 2002::/16 6to4: the embedded IPv4 address decides.
        0x2002 => is_public_v4(embedded(s[1], s[2])),
        // 3fff::/20 documentation.
        0x3fff if s[1] <= 0x0fff => false,
        // fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local, ff00::/8
        // multicast.
        x if (x & 0xfe00) == 0xfc00 || (x & 0xffc0) == 0xfe80 || (x & 0xffc0) == 0xfec0 => false,
        x if (x & 0xff00) == 0xff00 => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests;
