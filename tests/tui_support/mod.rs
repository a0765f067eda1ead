//! Shared fixtures for the TUI tests: a deterministic App (fixed executors, themes, size) and
//! hand-made reports and run outcomes, so snapshots do not move when the scanner or the
//! executors evolve.
#![allow(dead_code)]

pub(crate) mod tmux;

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use sandbench::engine::exec::{
    BlockedAttempt, ConsoleLevel, ConsoleLine, ExecEvent, ExecOutcome, ExecRequest, ExecutorInfo,
    JsError, LimitsReport, MemoryKind, Outcome, Sample,
};
use sandbench::engine::policy::Limits;
use sandbench::engine::scan::{Finding, Metrics, Report, Severity, Verdict};
use sandbench::engine::{hash, Category};
use sandbench::tui::action::{Action, Effect};
use sandbench::tui::app::{App, AppInit};
use sandbench::tui::theme::ThemeSet;

pub(crate) const ESCAPE_JS: &str = "// sample: constructor escape\nconst k = 'constr' + 'uctor';\nconst F = (() => {})[k];\nconst p = F('return globalThis.process')();\np.exit(1);\n";

/// 2026-11-22 12:34:56 UTC.
pub(crate) const FIXED_CLOCK: u64 = 1_795_264_496;

pub(crate) fn executors() -> Vec<ExecutorInfo> {
    vec![
        ExecutorInfo {
            name: "quickjs-process".into(),
            description: "QuickJS in a child process with seccomp".into(),
            available: true,
            reason: "seccomp and rlimits work here".into(),
            strength: 3,
            warning: None,
        },
        ExecutorInfo {
            name: "quickjs".into(),
            description: "QuickJS in this process".into(),
            available: true,
            reason: "always available".into(),
            strength: 1,
            warning: Some("in-process: a QuickJS bug affects the workbench".into()),
        },
        ExecutorInfo {
            name: "wasm".into(),
            description: "QuickJS compiled to WebAssembly".into(),
            available: false,
            reason: "not built into this binary".into(),
            strength: 4,
            warning: None,
        },
    ]
}

/// The App of `init` on a `w`×`h` terminal with `executors` (`quickjs-process` detected as
/// the strongest) and the built-in themes, started.
pub(crate) fn started(mut init: AppInit, executors: Vec<ExecutorInfo>, w: u16, h: u16) -> App {
    init.executors = executors;
    init.auto_name = "quickjs-process".into();
    init.themes = ThemeSet::load_from(None, false);
    init.size = (w, h);
    let mut app = App::new(init);
    app.start();
    app
}

pub(crate) fn app_sized(title: &str, text: &str, w: u16, h: u16) -> App {
    let mut app = started(AppInit::new(title, text), executors(), w, h);
    // The scanner's answer for the initial buffer, as the driver would deliver it.
    scan_done(&mut app, sandbench::engine::scan::scan(text));
    app
}

/// The App drawn on a `w`×`h` test terminal.
pub(crate) fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| sandbench::tui::ui::render(app, f))
        .expect("draw");
    t
}

/// The sizes every screen is snapshotted at.
pub(crate) const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// The App `make` builds at each of [`SIZES`], drawn, with its snapshot name `{name}_{w}x{h}`.
pub(crate) fn drawn_at_sizes(
    name: &str,
    make: impl Fn(u16, u16) -> App,
) -> Vec<(String, Terminal<TestBackend>)> {
    SIZES
        .iter()
        .map(|&(w, h)| (format!("{name}_{w}x{h}"), draw(&make(w, h), w, h)))
        .collect()
}

pub(crate) fn app(text: &str) -> App {
    app_sized("test.js", text, 80, 24)
}

pub(crate) fn finding(
    rule: &str,
    sev: Severity,
    score: u8,
    line: u32,
    col: u32,
    end_col: u32,
) -> Finding {
    Finding {
        rule: rule.parse().expect("a rule id of the table"),
        category: Category::VmEscape,
        score,
        severity: sev,
        line,
        column: col,
        end_line: line,
        end_column: end_col,
        start: 0,
        end: 0,
        message: format!("{rule}: reaches the host through the constructor chain"),
        remediation: "never hand untrusted code a function constructor".into(),
        snippet: String::new(),
        folded: Some("\"constructor\"".into()),
        evidence: vec![sandbench::engine::scan::Evidence::ConstructorChain],
        target: None,
        granted: None,
    }
}

/// The report the scanner would give ESCAPE_JS, made by hand.
pub(crate) fn escape_report(source: &str) -> Report {
    Report {
        sha256: hash::sha256_hex(source.as_bytes()),
        context: sandbench::engine::scan::ScanContext::Plugin,
        score: 95,
        verdict: Verdict::Block,
        findings: vec![
            finding("constructor-chain", Severity::Critical, 90, 3, 11, 24),
            finding("process-env", Severity::High, 70, 4, 32, 39),
            finding("network-fetch", Severity::Medium, 40, 2, 11, 29),
        ],
        metrics: Metrics {
            bytes: source.len(),
            lines: source.lines().count(),
            longest_line: 45,
            max_nesting: 2,
            complexity: 3,
            identifier_entropy: 2.5,
            minified: false,
            obfuscation: 35,
        },
        parse_error: None,
    }
}

pub(crate) fn scan_done(app: &mut App, report: Report) {
    let generation = app.generation();
    app.update(Action::ScanDone {
        generation,
        report: Box::new(report),
    });
}

pub(crate) fn outcome(code: &str, outcome: Outcome) -> ExecOutcome {
    let req = ExecRequest::new(code);
    let mut o = ExecOutcome::not_run("quickjs-process", &req, outcome, None);
    o.duration_ms = 12.0;
    o.cpu_ms = 10.0;
    o.peak_memory_bytes = 2 * 1024 * 1024;
    o.limits = LimitsReport::from(&Limits::default());
    o
}

pub(crate) fn exec(app: &mut App, run: u64, event: ExecEvent) -> Vec<Effect> {
    app.update(Action::Exec {
        run,
        event,
        at_unix: FIXED_CLOCK,
    })
}

/// Starts a run and returns its id.
pub(crate) fn start_run(app: &mut App) -> u64 {
    let fx = app.update(Action::Run);
    match fx.as_slice() {
        [Effect::StartRun { run, .. }] => *run,
        other => panic!("expected one StartRun effect, got {other:?}"),
    }
}

pub(crate) fn samples(run: u64, app: &mut App, n: usize) {
    for i in 0..n {
        let t = i as f64 * 50.0;
        exec(
            app,
            run,
            ExecEvent::Sample(Sample {
                elapsed_ms: t,
                memory_bytes: (1 + i as u64) * 512 * 1024,
                cpu_ms: t * 0.9,
                memory_kind: MemoryKind::Heap,
            }),
        );
    }
}

/// A finished ok run of `code` returning an object, with console output and one blocked
/// attempt on line 4.
pub(crate) fn finish_ok(app: &mut App, run: u64, code: &str) {
    exec(
        app,
        run,
        ExecEvent::Console(ConsoleLine {
            level: ConsoleLevel::Log,
            text: "hello from the sandbox".into(),
        }),
    );
    let mut o = outcome(code, Outcome::Ok);
    o.value_display = "{ count: 3, total: 60, top: \"c\" }".into();
    o.console = vec![ConsoleLine {
        level: ConsoleLevel::Log,
        text: "hello from the sandbox".into(),
    }];
    o.blocked = vec![BlockedAttempt {
        capability: "process".into(),
        category: Category::ProcessAccess,
        message: "process is not available in sandbox".into(),
        line: Some(4),
        column: Some(32),
        count: 1,
    }];
    exec(app, run, ExecEvent::Finished(Box::new(o)));
}

pub(crate) fn finish_timeout(app: &mut App, run: u64, code: &str) {
    let mut o = outcome(code, Outcome::Timeout);
    o.duration_ms = 5003.0;
    o.error = Some(JsError {
        name: "InternalError".into(),
        message: "interrupted".into(),
        stack: "    at <eval> (test.js:1:10)".into(),
    });
    exec(app, run, ExecEvent::Finished(Box::new(o)));
}
