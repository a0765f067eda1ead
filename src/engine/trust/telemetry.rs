//! OpenTelemetry: one span `security.isolate.execute` per run, exported over OTLP/HTTP
//! (protobuf) with the official `opentelemetry` crates.
//!
//! Off the run path: the caller hands a finished run over as plain data ([`RunSpan`]) through
//! a bounded channel, and a thread of ours (started with the first span) builds the exporter,
//! turns the data into a span with the run's own start and end times, and exports it (the
//! SDK's batch processor).
//! Nothing on the caller's side waits for the network: [`Telemetry::record`] is a channel send
//! that drops the span when the queue is full. [`Telemetry::shutdown`] flushes and waits at
//! most the export timeout (plus a margin): a CLI must deliver its spans before it exits, and
//! must not hang when nobody listens.
//!
//! Configuration follows the OpenTelemetry environment variables (see [`settings`]); the
//! crates read the endpoint, headers, timeout and `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES`
//! themselves, and `OTEL_BSP_*` tune the batch processor.

use super::{TrustRecord, TrustState};
use crate::engine::exec::{BlockedAttempt, ExecOutcome, Outcome};
use crate::engine::policy::Profile;
use crate::engine::scan::{Report, Verdict};
use crate::engine::text::truncate;
use opentelemetry::trace::{Span as _, SpanKind, Status, Tracer as _, TracerProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use opentelemetry_sdk::Resource;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

pub const SPAN_NAME: &str = "security.isolate.execute";
/// One event per blocked attempt.
pub const BLOCKED_EVENT: &str = "security.isolate.blocked";
/// The export timeout when neither `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT` nor
/// `OTEL_EXPORTER_OTLP_TIMEOUT` is set. The specification's default is 10 s; a command-line
/// tool that waits that long at exit for a dead collector feels hung.
pub const DEFAULT_EXPORT_TIMEOUT: Duration = Duration::from_secs(2);
/// Added to the export timeout when waiting for the final flush.
const SHUTDOWN_MARGIN: Duration = Duration::from_millis(500);
/// Spans waiting for the exporter thread; past this, new spans are dropped (and counted).
const QUEUE: usize = 1024;
/// Most blocked-attempt events per span.
const MAX_EVENTS: usize = 128;
const ENV_SDK_DISABLED: &str = "OTEL_SDK_DISABLED";
const ENV_TRACES_EXPORTER: &str = "OTEL_TRACES_EXPORTER";
const ENV_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
const ENV_TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
const ENV_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_TIMEOUT";
const ENV_TRACES_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT";
const ENV_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";
const ENV_TRACES_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
const ENV_SERVICE_NAME: &str = "OTEL_SERVICE_NAME";

/// Why export is off or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TelemetryError {
    #[error("OTLP endpoint '{0}': only http:// endpoints are supported (this build has no TLS)")]
    Scheme(String),
    #[error("OTLP exporter: {0}")]
    Build(String),
    #[error("OTLP export to {endpoint} failed: {reason}")]
    Export { endpoint: String, reason: String },
    #[error("OTLP export to {endpoint} did not finish within {} ms; spans may be lost", waited.as_millis())]
    Timeout { endpoint: String, waited: Duration },
}

/// The resolved export configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtlpSettings {
    /// The traces URL spans are posted to (for messages).
    pub endpoint: String,
    /// Set only for `--otlp`; otherwise the crate reads the environment itself.
    explicit_endpoint: Option<String>,
    /// The export timeout in force.
    pub timeout: Duration,
    /// Whether the timeout came from the environment (then the crate applies it).
    timeout_from_env: bool,
}

/// A finished run as a span: plain data, so any front end can hand it over.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpan {
    pub start: SystemTime,
    pub end: SystemTime,
    pub file: String,
    pub executor: String,
    pub outcome: Outcome,
    pub code_sha256: String,
    pub verdict: Verdict,
    pub score: u8,
    pub profile: Profile,
    pub blocked_count: u64,
    pub peak_memory_bytes: u64,
    pub cpu_ms: f64,
    pub duration_ms: f64,
    pub trust: TrustRecord,
    /// The first blocked attempts of the run, capability and message bounded.
    pub events: Vec<BlockedAttempt>,
    /// Blocked attempts beyond the events listed.
    pub events_dropped: u64,
}

impl RunSpan {
    /// The span of a run that ended at `end` (its start is `end` minus its duration).
    pub fn from_run(
        file: &str,
        outcome: &ExecOutcome,
        report: &Report,
        trust: &TrustState,
        profile: Profile,
        end: SystemTime,
    ) -> RunSpan {
        let dur = Duration::from_secs_f64((outcome.duration_ms / 1000.0).clamp(0.0, 1e6));
        let start = end.checked_sub(dur).unwrap_or(end);
        let blocked_count: u64 = outcome
            .blocked
            .iter()
            .map(|b| u64::from(b.count))
            .sum::<u64>()
            + outcome.blocked_dropped;
        let events: Vec<BlockedAttempt> = outcome
            .blocked
            .iter()
            .take(MAX_EVENTS)
            .map(|b| BlockedAttempt {
                capability: truncate(&b.capability, 100).into_owned(),
                message: truncate(&b.message, 500).into_owned(),
                category: b.category,
                line: b.line,
                column: b.column,
                count: b.count,
            })
            .collect();
        let listed: u64 = events.iter().map(|e| u64::from(e.count)).sum();
        RunSpan {
            start,
            end,
            file: truncate(file, 1024).into_owned(),
            executor: outcome.executor.clone(),
            outcome: outcome.outcome,
            code_sha256: outcome.code_sha256.clone(),
            verdict: report.verdict,
            score: report.score,
            profile,
            blocked_count,
            peak_memory_bytes: outcome.peak_memory_bytes,
            cpu_ms: outcome.cpu_ms,
            duration_ms: outcome.duration_ms,
            trust: TrustRecord::from(trust),
            events,
            events_dropped: blocked_count.saturating_sub(listed),
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_true(name: &str) -> bool {
    env(name).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// `--otlp URL` is a base URL like `OTEL_EXPORTER_OTLP_ENDPOINT`: `/v1/traces` is appended
/// unless the path already ends with it.
fn traces_url(base: &str) -> String {
    let b = base.trim().trim_end_matches('/');
    if b.ends_with("/v1/traces") {
        b.to_string()
    } else {
        format!("{b}/v1/traces")
    }
}

fn check_scheme(url: &str) -> Result<(), TelemetryError> {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("http://") && lower.len() > "http://".len() {
        Ok(())
    } else {
        Err(TelemetryError::Scheme(url.to_string()))
    }
}

/// Decides whether and where to export, from `--otlp` and the environment:
/// - `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn export off (with a warning
///   if `--otlp` was given too);
/// - the endpoint is `--otlp URL` (base URL, `/v1/traces` appended), else
///   `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is), else `OTEL_EXPORTER_OTLP_ENDPOINT`
///   (`/v1/traces` appended); with none of them, export is off (no default collector);
/// - the timeout is `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT`
///   (milliseconds), else [`DEFAULT_EXPORT_TIMEOUT`];
/// - only `http/protobuf` is spoken: another `OTEL_EXPORTER_OTLP_PROTOCOL` is a warning.
///
/// Returns the settings (None: off) and warnings for the user.
pub fn settings(
    cli_endpoint: Option<&str>,
) -> (Result<Option<OtlpSettings>, TelemetryError>, Vec<String>) {
    let mut warnings = Vec::new();
    for var in [ENV_SDK_DISABLED, ENV_TRACES_EXPORTER] {
        let off = if var == ENV_SDK_DISABLED {
            env_true(var)
        } else {
            env(var).is_some_and(|v| v.trim().eq_ignore_ascii_case("none"))
        };
        if off {
            if cli_endpoint.is_some() {
                warnings.push(format!(
                    "--otlp ignored: {var} turns OpenTelemetry export off"
                ));
            }
            return (Ok(None), warnings);
        }
    }
    let (endpoint, explicit) = match cli_endpoint {
        Some(u) => (traces_url(u), Some(traces_url(u))),
        None => match (env(ENV_TRACES_ENDPOINT), env(ENV_ENDPOINT)) {
            (Some(t), _) => (t.trim().to_string(), None),
            (None, Some(base)) => (traces_url(&base), None),
            (None, None) => return (Ok(None), warnings),
        },
    };
    if let Err(e) = check_scheme(&endpoint) {
        return (Err(e), warnings);
    }
    for var in [ENV_TRACES_PROTOCOL, ENV_PROTOCOL] {
        if let Some(p) = env(var) {
            if p.trim() != "http/protobuf" {
                warnings.push(format!(
                    "{var}={p} is not supported; exporting with http/protobuf"
                ));
            }
            break;
        }
    }
    let env_timeout = [ENV_TRACES_TIMEOUT, ENV_TIMEOUT]
        .iter()
        .find_map(|v| env(v).and_then(|s| s.trim().parse::<u64>().ok()));
    let settings = OtlpSettings {
        endpoint,
        explicit_endpoint: explicit,
        timeout: env_timeout.map_or(DEFAULT_EXPORT_TIMEOUT, Duration::from_millis),
        timeout_from_env: env_timeout.is_some(),
    };
    (Ok(Some(settings)), warnings)
}

/// The OTLP exporter, remembering the last export error (the SDK's batch processor drops it).
#[derive(Debug)]
struct Recording<E> {
    inner: E,
    last_error: Arc<Mutex<Option<String>>>,
}

impl<E: SpanExporter> SpanExporter for Recording<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let result = self.inner.export(batch).await;
        if let Err(e) = &result {
            let reason = match e {
                OTelSdkError::InternalFailure(m) => m.clone(),
                other => other.to_string(),
            };
            if let Ok(mut slot) = self.last_error.lock() {
                *slot = Some(reason);
            }
        }
        result
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }
    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }
    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

fn build_provider(
    s: &OtlpSettings,
    last_error: Arc<Mutex<Option<String>>>,
) -> Result<SdkTracerProvider, TelemetryError> {
    // reqwest is built with rustls (for the fetch broker): its clients need the process's
    // crypto provider installed before they are built.
    crate::engine::broker::net::ensure_crypto_provider();
    let mut builder = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        // One attempt: retrying with backoff would hold a CLI at exit for a dead collector.
        .with_retry_policy(opentelemetry_otlp::RetryPolicy::disabled());
    if let Some(e) = &s.explicit_endpoint {
        builder = builder.with_endpoint(e.clone());
    }
    if !s.timeout_from_env {
        builder = builder.with_timeout(s.timeout);
    }
    let exporter = builder
        .build()
        .map_err(|e| TelemetryError::Build(e.to_string()))?;
    let mut resource = Resource::builder()
        .with_attribute(KeyValue::new("service.version", env!("CARGO_PKG_VERSION")));
    if env(ENV_SERVICE_NAME).is_none() {
        resource = resource.with_service_name("sandbench");
    }
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(Recording {
            inner: exporter,
            last_error,
        })
        .with_resource(resource.build())
        .build())
}

fn emit(tracer: &opentelemetry_sdk::trace::SdkTracer, r: RunSpan) {
    let mut attrs = vec![
        KeyValue::new("security.isolate.executor", r.executor),
        KeyValue::new("security.isolate.outcome", r.outcome.as_str()),
        KeyValue::new("security.isolate.code.sha256", r.code_sha256),
        KeyValue::new("security.isolate.scan.verdict", r.verdict.as_str()),
        KeyValue::new("security.isolate.scan.score", i64::from(r.score)),
        KeyValue::new("security.isolate.profile", r.profile.as_str()),
        KeyValue::new(
            "security.isolate.blocked.count",
            i64::try_from(r.blocked_count).unwrap_or(i64::MAX),
        ),
        KeyValue::new(
            "security.isolate.memory.peak_bytes",
            i64::try_from(r.peak_memory_bytes).unwrap_or(i64::MAX),
        ),
        KeyValue::new("security.isolate.cpu_ms", r.cpu_ms),
        KeyValue::new("security.isolate.duration_ms", r.duration_ms),
        KeyValue::new("security.isolate.trust", r.trust.state),
        KeyValue::new("code.file.path", r.file),
    ];
    if let Some(s) = r.trust.signer {
        attrs.push(KeyValue::new("security.isolate.signer", s));
    }
    if r.events_dropped > 0 {
        attrs.push(KeyValue::new(
            "security.isolate.blocked.not_listed",
            i64::try_from(r.events_dropped).unwrap_or(i64::MAX),
        ));
    }
    // The executor does not time-stamp attempts: they carry the run's start.
    let events = r
        .events
        .into_iter()
        .map(|e| {
            let mut a = vec![
                KeyValue::new("security.isolate.blocked.category", e.category.as_str()),
                KeyValue::new("security.isolate.blocked.capability", e.capability),
                KeyValue::new("security.isolate.blocked.message", e.message),
                KeyValue::new("security.isolate.blocked.count", i64::from(e.count)),
            ];
            if let Some(l) = e.line {
                a.push(KeyValue::new("code.line.number", i64::from(l)));
            }
            if let Some(c) = e.column {
                a.push(KeyValue::new("code.column.number", i64::from(c)));
            }
            opentelemetry::trace::Event::new(BLOCKED_EVENT, r.start, a, 0)
        })
        .collect();
    let mut span = tracer
        .span_builder(SPAN_NAME)
        .with_kind(SpanKind::Internal)
        .with_start_time(r.start)
        .with_attributes(attrs)
        .with_events(events)
        .start(tracer);
    if r.outcome != Outcome::Ok {
        span.set_status(Status::error(r.outcome.as_str()));
    }
    span.end_with_timestamp(r.end);
}

/// The exporter thread's body: builds the provider, turns spans into OTLP spans until the
/// channel closes, then flushes and reports how the export went.
fn exporter_thread(settings: &OtlpSettings, rx: &Receiver<RunSpan>) -> Result<(), TelemetryError> {
    let last_error = Arc::new(Mutex::new(None));
    let provider = build_provider(settings, Arc::clone(&last_error))?;
    let tracer = provider.tracer("sandbench");
    while let Ok(span) = rx.recv() {
        emit(&tracer, span);
    }
    // The batch processor reports success whatever the export did: the exporter wrapper
    // remembers the last failure instead. The export is bounded by its own timeout: give it
    // that plus a little, so its error (not a race with it) is what gets reported.
    let shut = provider.shutdown_with_timeout(settings.timeout + SHUTDOWN_MARGIN / 2);
    let failure = last_error.lock().ok().and_then(|mut e| e.take());
    match (failure, shut) {
        (Some(reason), _) => Err(TelemetryError::Export {
            endpoint: settings.endpoint.clone(),
            reason,
        }),
        (None, Err(OTelSdkError::Timeout(waited))) => Err(TelemetryError::Timeout {
            endpoint: settings.endpoint.clone(),
            waited,
        }),
        (None, _) => Ok(()),
    }
}

enum State {
    /// No span yet: no thread, no client.
    Idle(OtlpSettings),
    Running {
        tx: SyncSender<RunSpan>,
        done: Receiver<Result<(), TelemetryError>>,
    },
    /// The thread could not be started.
    Failed(TelemetryError),
}

/// An exporter. Nothing starts until the first span: a run with export configured pays
/// nothing before its result is out (the thread, the HTTP client and its runtime would
/// otherwise compete with it for the CPU). Call [`Telemetry::shutdown`] to flush.
pub struct Telemetry {
    state: Mutex<State>,
    endpoint: String,
    wait: Duration,
    dropped: AtomicU64,
}

impl Telemetry {
    pub fn new(settings: OtlpSettings) -> Telemetry {
        Telemetry {
            endpoint: settings.endpoint.clone(),
            wait: settings.timeout + SHUTDOWN_MARGIN,
            state: Mutex::new(State::Idle(settings)),
            dropped: AtomicU64::new(0),
        }
    }

    /// Where spans go.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn spawn(settings: OtlpSettings) -> State {
        let (tx, rx) = mpsc::sync_channel::<RunSpan>(QUEUE);
        let (done_tx, done) = mpsc::sync_channel(1);
        let spawned = std::thread::Builder::new()
            .name("sandbench-otlp".to_string())
            .spawn(move || {
                let _ = done_tx.send(exporter_thread(&settings, &rx));
            });
        match spawned {
            Ok(_) => State::Running { tx, done },
            Err(e) => State::Failed(TelemetryError::Build(format!(
                "cannot start the exporter thread: {e}"
            ))),
        }
    }

    /// Hands a span to the exporter thread (starting it on the first span). Never waits on
    /// the network: with the queue full, the span is dropped and counted.
    pub fn record(&self, span: RunSpan) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let State::Idle(settings) = &*state {
            let settings = settings.clone();
            *state = Self::spawn(settings);
        }
        let sent = match &*state {
            State::Running { tx, .. } => tx.try_send(span).is_ok(),
            _ => false,
        };
        if !sent {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Spans dropped because the queue was full or the exporter could not start.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Flushes and stops, waiting at most the export timeout plus a margin.
    pub fn shutdown(self) -> Result<(), TelemetryError> {
        let state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        match state {
            State::Idle(_) => Ok(()),
            State::Failed(e) => Err(e),
            State::Running { tx, done } => {
                drop(tx);
                match done.recv_timeout(self.wait) {
                    Ok(r) => r,
                    Err(mpsc::RecvTimeoutError::Timeout) => Err(TelemetryError::Timeout {
                        endpoint: self.endpoint,
                        waited: self.wait,
                    }),
                    Err(mpsc::RecvTimeoutError::Disconnected) => Err(TelemetryError::Build(
                        "the exporter thread stopped".to_string(),
                    )),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traces_url_appends_the_signal_path_once() {
        assert_eq!(traces_url("http://h:4318"), "http://h:4318/v1/traces");
        assert_eq!(traces_url("http://h:4318/"), "http://h:4318/v1/traces");
        assert_eq!(traces_url("http://h/v1/traces"), "http://h/v1/traces");
        assert!(check_scheme("https://h").is_err());
        assert!(check_scheme("http://").is_err());
        assert!(check_scheme("HTTP://h").is_ok());
    }

    #[test]
    fn a_span_counts_every_blocked_attempt_and_bounds_its_events() {
        use crate::engine::exec::{BlockedAttempt, ExecRequest};
        let req = ExecRequest::new("x");
        let mut o = ExecOutcome::not_run("quickjs", &req, Outcome::Error, None);
        o.duration_ms = 1500.0;
        for i in 0..200 {
            o.blocked.push(BlockedAttempt {
                capability: "process".into(),
                category: crate::engine::Category::ProcessAccess,
                message: "no".into(),
                line: Some(i),
                column: Some(1),
                count: 2,
            });
        }
        o.blocked_dropped = 7;
        let end = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let s = RunSpan::from_run(
            "x.js",
            &o,
            &crate::engine::scan::scan("x"),
            &TrustState::Unsigned,
            Profile::Strict,
            end,
        );
        assert_eq!(s.blocked_count, 407);
        assert_eq!(s.events.len(), MAX_EVENTS);
        assert_eq!(s.events_dropped, 407 - 2 * MAX_EVENTS as u64);
        assert_eq!(s.start, end - Duration::from_millis(1500));
    }
}
