//! OpenTelemetry export through the binary, against a loopback OTLP/HTTP receiver started here
//! (127.0.0.1 only): what arrives is decoded with the OTLP protobuf types and checked, the
//! environment variables are honoured, and a dead endpoint neither fails nor holds up a run.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::home::{s, Home};
use common::otlp::{receiver, Received};
use opentelemetry_proto::tonic::common::v1::{any_value, KeyValue};
use opentelemetry_proto::tonic::trace::v1::Span;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A loopback port where nothing listens.
fn dead_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    port
}

// The scanner blocks it (process.exit, fs): its runs take --force to produce blocked events.
const NOSY: &str =
    "try { process.exit(1) } catch (e) {}\ntry { require('fs') } catch (e) {}\nconsole.log('done'); 42";

fn attr<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a any_value::Value> {
    attrs
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

fn str_attr<'a>(attrs: &'a [KeyValue], key: &str) -> &'a str {
    match attr(attrs, key) {
        Some(any_value::Value::StringValue(s)) => s,
        other => panic!("{key}: expected a string, got {other:?}"),
    }
}

fn int_attr(attrs: &[KeyValue], key: &str) -> i64 {
    match attr(attrs, key) {
        Some(any_value::Value::IntValue(i)) => *i,
        other => panic!("{key}: expected an int, got {other:?}"),
    }
}

fn double_attr(attrs: &[KeyValue], key: &str) -> f64 {
    match attr(attrs, key) {
        Some(any_value::Value::DoubleValue(d)) => *d,
        other => panic!("{key}: expected a double, got {other:?}"),
    }
}

/// Spans received until `n` have arrived (or 15 s passed), with their resources'
/// `service.name`.
fn collect(rx: &mpsc::Receiver<Received>, n: usize) -> (Vec<Received>, Vec<(String, Span)>) {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut requests = Vec::new();
    let mut spans = Vec::new();
    while spans.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(r) = rx.recv_timeout(left) else { break };
        for rs in &r.request.resource_spans {
            let service = rs
                .resource
                .as_ref()
                .map(|res| str_attr(&res.attributes, "service.name").to_string())
                .unwrap_or_default();
            for ss in &rs.scope_spans {
                for sp in &ss.spans {
                    spans.push((service.clone(), sp.clone()));
                }
            }
        }
        requests.push(r);
    }
    (requests, spans)
}

#[test]
fn each_run_is_a_span_with_its_attributes_and_blocked_events() {
    let (port, rx) = receiver();
    let h = Home::new();
    let f = h.write("nosy.js", NOSY);
    let o = h
        .cmd()
        .env(
            "OTEL_EXPORTER_OTLP_HEADERS",
            "x-team=red,authorization=Bearer%20t0ken",
        )
        .args(["run", "--json", "--executor", "quickjs", "--force"])
        .args(["--otlp", &format!("http://127.0.0.1:{port}")])
        .arg(&f)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let run: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");

    // The process flushed before it exited: the span is already here.
    let r = rx
        .try_recv()
        .expect("the span arrived before the process exited");
    assert_eq!(r.path, "/v1/traces");
    let header = |k: &str| {
        r.headers
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("content-type"), Some("application/x-protobuf"));
    assert_eq!(header("x-team"), Some("red"), "OTEL_EXPORTER_OTLP_HEADERS");
    assert_eq!(header("authorization"), Some("Bearer t0ken"));
    let rs = &r.request.resource_spans[0];
    let resource = rs.resource.as_ref().expect("resource");
    assert_eq!(str_attr(&resource.attributes, "service.name"), "sandbench");
    let span = &rs.scope_spans[0].spans[0];
    assert_eq!(span.name, "security.isolate.execute");
    let a = &span.attributes;
    assert_eq!(str_attr(a, "security.isolate.executor"), "quickjs");
    assert_eq!(str_attr(a, "security.isolate.outcome"), "ok");
    assert_eq!(
        str_attr(a, "security.isolate.code.sha256"),
        run["code_sha256"]
    );
    assert_eq!(str_attr(a, "security.isolate.scan.verdict"), run["verdict"]);
    assert_eq!(
        Some(int_attr(a, "security.isolate.scan.score")),
        run["score"].as_i64()
    );
    assert_eq!(int_attr(a, "security.isolate.blocked.count"), 2);
    assert_eq!(
        Some(int_attr(a, "security.isolate.memory.peak_bytes")),
        run["peak_memory_bytes"].as_i64()
    );
    assert_eq!(
        Some(double_attr(a, "security.isolate.cpu_ms")),
        run["cpu_ms"].as_f64()
    );
    assert_eq!(str_attr(a, "security.isolate.trust"), "unsigned");
    assert_eq!(str_attr(a, "code.file.path"), s(&f));
    // The span lasts as long as the run did.
    let dur_ms = (span.end_time_unix_nano - span.start_time_unix_nano) as f64 / 1e6;
    let want = run["duration_ms"].as_f64().expect("duration");
    assert!(
        (dur_ms - want).abs() < 0.01,
        "span {dur_ms} ms, run {want} ms"
    );

    let events: Vec<(&str, &str, i64)> = span
        .events
        .iter()
        .map(|e| {
            assert_eq!(e.name, "security.isolate.blocked");
            (
                str_attr(&e.attributes, "security.isolate.blocked.category"),
                str_attr(&e.attributes, "security.isolate.blocked.capability"),
                int_attr(&e.attributes, "code.line.number"),
            )
        })
        .collect();
    assert_eq!(
        events,
        [("process-access", "process", 1), ("filesystem", "fs", 2)],
        "one event per blocked attempt"
    );
    let msg = str_attr(
        &span.events[1].attributes,
        "security.isolate.blocked.message",
    );
    assert!(
        msg.contains("Module 'fs' is not allowed in sandbox"),
        "{msg}"
    );
}

#[test]
fn the_environment_names_the_endpoint_and_the_service() {
    let (port, rx) = receiver();
    let h = Home::new();
    let a = h.write("a.js", "1");
    let b = h.write("b.js", "throw new Error('boom')");
    let o = h
        .cmd()
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        )
        .env("OTEL_SERVICE_NAME", "plugin-review")
        .args(["run", "--executor", "quickjs"])
        .args([&a, &b])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1), "b.js fails");
    let (requests, spans) = collect(&rx, 2);
    assert_eq!(spans.len(), 2);
    assert!(requests.iter().all(|r| r.path == "/v1/traces"));
    assert!(spans.iter().all(|(svc, _)| svc == "plugin-review"));
    let outcomes: Vec<&str> = spans
        .iter()
        .map(|(_, sp)| str_attr(&sp.attributes, "security.isolate.outcome"))
        .collect();
    assert_eq!(outcomes, ["ok", "error"]);
    // A failed run is an error span.
    let status = spans[1].1.status.as_ref().expect("status");
    assert_eq!(status.code, 2, "STATUS_CODE_ERROR");

    // The traces-specific variable is used as is.
    let (port2, rx2) = receiver();
    let o = h
        .cmd()
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{}", dead_port()),
        )
        .env(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            format!("http://127.0.0.1:{port2}/custom/path"),
        )
        .args(["run", "--executor", "quickjs"])
        .arg(&a)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let (requests, _) = collect(&rx2, 1);
    assert_eq!(requests[0].path, "/custom/path");
}

#[test]
fn otel_sdk_disabled_turns_export_off() {
    let (port, rx) = receiver();
    let h = Home::new();
    let a = h.write("a.js", "1");
    let o = h
        .cmd()
        .env("OTEL_SDK_DISABLED", "true")
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        )
        .args(["run", "--executor", "quickjs"])
        .arg(&a)
        .args(["--otlp", &format!("http://127.0.0.1:{port}")])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("--otlp ignored: OTEL_SDK_DISABLED"),
        "{stderr}"
    );
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "nothing sent"
    );
}

/// The fields of a run's JSON line that do not depend on timing.
fn stable(v: &serde_json::Value) -> serde_json::Value {
    let mut v = v.clone();
    for k in ["duration_ms", "cpu_ms", "peak_memory_bytes"] {
        v[k] = serde_json::Value::Null;
        // `usage` repeats the run's time and memory.
        v["usage"][k] = serde_json::Value::Null;
    }
    // Each run draws its own seed from the OS.
    v["seed"] = serde_json::Value::Null;
    v
}

#[test]
fn a_dead_or_unsupported_endpoint_changes_nothing_but_a_warning() {
    let h = Home::new();
    let f = h.write("nosy.js", NOSY);
    let plain = h
        .cmd()
        .args(["run", "--json", "--executor", "quickjs", "--force"])
        .arg(&f)
        .output()
        .expect("run");
    let want: serde_json::Value = serde_json::from_slice(&plain.stdout).expect("json");

    let started = Instant::now();
    let o = h
        .cmd()
        .args(["run", "--json", "--executor", "quickjs", "--force"])
        .args(["--otlp", &format!("http://127.0.0.1:{}", dead_port())])
        .arg(&f)
        .output()
        .expect("run");
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(stable(&got), stable(&want), "the result is unchanged");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("warning: OTLP export to http://127.0.0.1:") && stderr.contains("failed"),
        "{stderr}"
    );
    // Connection refused: one attempt, no retry backoff, well inside the export timeout.
    assert!(took < Duration::from_secs(2), "took {took:?}");

    // A collector that accepts the connection and never answers: the export timeout bounds
    // the wait at exit.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_port = silent.local_addr().expect("addr").port();
    let started = Instant::now();
    let o = h
        .cmd()
        .env("OTEL_EXPORTER_OTLP_TIMEOUT", "300")
        .args(["run", "--json", "--executor", "quickjs", "--force"])
        .args(["--otlp", &format!("http://127.0.0.1:{silent_port}")])
        .arg(&f)
        .output()
        .expect("run");
    let took = started.elapsed();
    drop(silent);
    assert_eq!(o.status.code(), Some(0));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(stable(&got), stable(&want));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("OTLP export to"), "{stderr}");
    assert!(
        took >= Duration::from_millis(300),
        "waited for the export: {took:?}"
    );
    assert!(
        took < Duration::from_secs(3),
        "but not much longer: {took:?}"
    );

    let o = h
        .cmd()
        .args(["run", "--json", "--executor", "quickjs", "--force"])
        .args(["--otlp", "https://collector.invalid:4318"])
        .arg(&f)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(stable(&got), stable(&want));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("only http:// endpoints are supported"),
        "{stderr}"
    );
}

/// `cargo test --release --test trust_otlp -- --ignored --nocapture bench_`: what a dead
/// endpoint costs a run. Measures, over alternating runs of the same script, the time until
/// the result line is on stdout and until the process has exited, with and without `--otlp`
/// pointed at a loopback port where nothing listens; and, in this process, what the run path
/// itself pays (starting the exporter, handing it a span).
#[test]
#[ignore = "benchmark: run with --release"]
fn bench_dead_endpoint_overhead() {
    use sandbench::engine::trust::telemetry::{self, RunSpan, Telemetry};
    let h = Home::new();
    let f = h.write(
        "w.js",
        "let s = 0; for (let i = 0; i < 1000; i++) s += i; s",
    );
    let dead = format!("http://127.0.0.1:{}", dead_port());
    let rounds = 60;
    // Three arms, interleaved: no export twice (their difference is the noise floor of this
    // measurement on this machine) and the dead endpoint.
    let mut result: [Vec<f64>; 3] = Default::default();
    let mut exit: [Vec<f64>; 3] = Default::default();
    for i in 0..rounds * 3 + 6 {
        let arm = i % 3;
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_sandbench"));
        c.env("SANDBENCH_CONFIG_DIR", h.dir.path().join("config"))
            .env("SANDBENCH_DATA_DIR", h.dir.path().join("data"))
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .args(["run", "--json", "--executor", "quickjs"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        if arm == 2 {
            c.args(["--otlp", &dead]);
        }
        c.arg(&f);
        let t = Instant::now();
        let mut child = c.spawn().expect("spawn");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read");
        let r = t.elapsed().as_secs_f64() * 1000.0;
        assert!(child.wait().expect("wait").success());
        let e = t.elapsed().as_secs_f64() * 1000.0;
        if i >= 6 {
            result[arm].push(r);
            exit[arm].push(e);
        }
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let r: Vec<f64> = result.iter_mut().map(med).collect();
    let e: Vec<f64> = exit.iter_mut().map(med).collect();
    println!("process, median of {rounds} runs per arm (ms):");
    println!(
        "  result on stdout: no otlp {:.2} / {:.2} (noise {:+.2}), dead endpoint {:.2}, extra {:+.2}",
        r[0], r[1], r[1] - r[0], r[2], r[2] - (r[0] + r[1]) / 2.0
    );
    println!(
        "  process exit:     no otlp {:.2} / {:.2} (noise {:+.2}), dead endpoint {:.2}, extra {:+.2}",
        e[0], e[1], e[1] - e[0], e[2], e[2] - (e[0] + e[1]) / 2.0
    );

    // In-process: the run path's share.
    let (settings, _) = telemetry::settings(Some(&dead));
    let settings = settings.expect("settings").expect("enabled");
    let req = sandbench::engine::exec::ExecRequest::new("1");
    let outcome = sandbench::engine::exec::ExecOutcome::not_run(
        "quickjs",
        &req,
        sandbench::engine::exec::Outcome::Ok,
        None,
    );
    let report = sandbench::engine::scan::scan("1");
    let (mut starts, mut records, mut seconds) = (vec![], vec![], vec![]);
    for _ in 0..50 {
        let t = Instant::now();
        let tel = Telemetry::new(settings.clone());
        starts.push(t.elapsed().as_secs_f64() * 1e6);
        let span = RunSpan::from_run(
            "x.js",
            &outcome,
            &report,
            &sandbench::engine::trust::TrustState::Unsigned,
            sandbench::engine::policy::Profile::Strict,
            std::time::SystemTime::now(),
        );
        let t = Instant::now();
        tel.record(span.clone());
        records.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        tel.record(span);
        seconds.push(t.elapsed().as_secs_f64() * 1e6);
        let _ = tel.shutdown();
    }
    println!(
        "in process, median of 50 (µs): Telemetry::new {:.1}, first record (starts the thread) {:.1}, later record {:.1}",
        med(&mut starts),
        med(&mut records),
        med(&mut seconds)
    );
}
