//! Issue 14 in the workbench, at the App level: the status bar's trust state as the buffer is
//! opened, edited and undone (real signatures, real basis checks, TestBackend at 80x24 and
//! 160x48), and the History tab read from a real audit log with `stats::compute`'s figures.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_support;

use sandbench::engine::exec::Outcome;
use sandbench::engine::policy::{Permissions, Profile};
use sandbench::engine::scan::scan;
use sandbench::engine::trust::audit::{AuditEntry, AuditLog, RunContext};
use sandbench::engine::trust::sign::{self, TrustedSigners};
use sandbench::engine::trust::{stats, TrustBasis, TrustState};
use sandbench::tui::action::Action;
use sandbench::tui::app::{App, AppInit, ResultsTab, MAX_HISTORY};
use sandbench::tui::effects::load_audit;
use sandbench::tui::recovery::Origin;
use std::path::{Path, PathBuf};
use tui_support::*;

const CODE: &str = "const x = 1 + 2;\nx * 2;\n";

/// A key `alice` under `dir/data`, and the signers that trust it.
fn alice(dir: &Path) -> (ed25519_dalek::SigningKey, TrustedSigners) {
    let data = dir.join("data");
    sign::generate_key(&data, "alice").unwrap();
    let key = sign::load_signing_key(&data, "alice").unwrap();
    let mut signers = TrustedSigners::default();
    signers.insert("alice".into(), key.verifying_key());
    (key, signers)
}

/// `CODE` written to `dir/name` and signed by [`alice`]: the file, and the signers that trust
/// her.
fn signed_by_alice(dir: &Path, name: &str) -> (PathBuf, TrustedSigners) {
    let (key, signers) = alice(dir);
    let file = dir.join(name);
    std::fs::write(&file, CODE).unwrap();
    sign::sign_path(&file, &key, "alice").unwrap();
    (file, signers)
}

fn file_app(path: &Path, text: &str, w: u16, h: u16, require_signed: bool) -> App {
    let mut init = AppInit::file(path.to_path_buf(), text);
    init.require_signed = require_signed;
    let mut app = started(init, executors(), w, h);
    scan_done(&mut app, scan(text));
    app
}

/// What the driver would deliver after checking the file's signature.
fn checked(app: &mut App, path: &Path, signers: &TrustedSigners) {
    let basis = TrustBasis::check(path, app.buffer.text().as_bytes(), signers);
    app.update(Action::TrustChecked {
        origin: Origin::File {
            path: path.to_path_buf(),
        },
        basis: Box::new(basis),
    });
}

fn status_row(app: &App, w: u16, h: u16) -> String {
    let t = draw(app, w, h);
    let buf = t.backend().buffer();
    (0..w)
        .map(|x| buf[(x, h - 1)].symbol().to_string())
        .collect::<String>()
        .trim_end()
        .to_string()
}

fn type_text(app: &mut App, s: &str) {
    app.update(Action::Insert(s.into()));
}

fn rescan(app: &mut App) {
    let text = app.buffer.text();
    scan_done(app, scan(&text));
}

#[test]
fn the_status_bar_follows_the_buffer_signed_modified_and_back_at_80x24_and_160x48() {
    let dir = tempfile::tempdir().unwrap();
    let (file, signers) = signed_by_alice(dir.path(), "plugin.js");
    let mut rows = Vec::new();
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let mut app = file_app(&file, CODE, w, h, false);
        assert!(
            status_row(&app, w, h).contains("trust …"),
            "before the check"
        );
        checked(&mut app, &file, &signers);
        let opened = status_row(&app, w, h);
        assert!(opened.contains("signed by alice"), "{opened}");
        type_text(&mut app, "y");
        // The scan of the edit is pending: the state is marked as not yet re-checked.
        let pending = status_row(&app, w, h);
        assert!(pending.contains('…'), "{pending}");
        rescan(&mut app);
        let modified = status_row(&app, w, h);
        assert!(modified.contains("modified since signing"), "{modified}");
        assert!(
            matches!(
                app.trust_state(),
                Some((TrustState::Modified { .. }, false))
            ),
            "{:?}",
            app.trust_state()
        );
        app.update(Action::Undo);
        rescan(&mut app);
        let back = status_row(&app, w, h);
        assert!(back.contains("signed by alice"), "undone: {back}");
        rows.push(format!("{w}x{h} opened:   {opened}"));
        rows.push(format!("{w}x{h} pending:  {pending}"));
        rows.push(format!("{w}x{h} modified: {modified}"));
        rows.push(format!("{w}x{h} undone:   {back}"));
    }
    insta::assert_snapshot!("trust_status_signed_modified", rows.join("\n"));
}

#[test]
fn a_long_message_at_80_columns_cuts_the_message_not_the_trust_state() {
    let dir = tempfile::tempdir().unwrap();
    let (file, signers) = signed_by_alice(dir.path(), "a-rather-long-plugin-file-name.js");
    let mut app = file_app(&file, CODE, 80, 24, true);
    checked(&mut app, &file, &signers);
    type_text(&mut app, "y");
    rescan(&mut app);
    app.update(Action::Warning(
        "a very long warning that would take the whole status bar if it could, and more".into(),
    ));
    let row = status_row(&app, 80, 24);
    assert!(row.contains("modified since signing"), "{row}");
    assert!(row.contains('…'), "the message is cut: {row}");
    insta::assert_snapshot!("trust_status_narrow_with_message", row);
}

#[test]
fn unsigned_untrusted_invalid_and_a_signed_directory_in_the_status_bar() {
    let dir = tempfile::tempdir().unwrap();
    let (key, signers) = alice(dir.path());
    let mut rows = Vec::new();
    let mut row_for = |label: &str, file: &PathBuf, signers: &TrustedSigners, req: bool| {
        let text = std::fs::read_to_string(file).unwrap();
        let mut app = file_app(file, &text, 80, 24, req);
        checked(&mut app, file, signers);
        let row = status_row(&app, 80, 24);
        rows.push(format!("{label:<10} {row}"));
        (app, row)
    };
    // No signature.
    let plain = dir.path().join("plain.js");
    std::fs::write(&plain, CODE).unwrap();
    let (_, row) = row_for("unsigned", &plain, &signers, false);
    assert!(row.contains("unsigned"), "{row}");
    // Signed by a key nobody here trusts.
    let other = dir.path().join("other.js");
    std::fs::write(&other, CODE).unwrap();
    sign::sign_path(&other, &key, "alice").unwrap();
    let (_, row) = row_for("untrusted", &other, &TrustedSigners::default(), false);
    assert!(row.contains("untrusted signer"), "{row}");
    // A signature file that is not one.
    let bad = dir.path().join("bad.js");
    std::fs::write(&bad, CODE).unwrap();
    std::fs::write(dir.path().join("bad.js.sig"), "not a signature").unwrap();
    let (mut app, row) = row_for("invalid", &bad, &signers, false);
    assert!(row.contains("invalid signature"), "{row}");
    // An edit does not make a bad signature good, nor merely "modified".
    type_text(&mut app, "y");
    rescan(&mut app);
    assert!(status_row(&app, 80, 24).contains("invalid signature"));
    // A file of a signed plugin directory.
    let plugin = dir.path().join("plug");
    std::fs::create_dir(&plugin).unwrap();
    std::fs::write(plugin.join("index.js"), CODE).unwrap();
    std::fs::write(plugin.join("util.js"), "1;\n").unwrap();
    sign::sign_path(&plugin, &key, "alice").unwrap();
    let (mut app, row) = row_for("dir", &plugin.join("index.js"), &signers, false);
    assert!(row.contains("signed by alice"), "{row}");
    type_text(&mut app, "y");
    rescan(&mut app);
    assert!(status_row(&app, 80, 24).contains("modified since signing"));
    // A sample is never signed; under the policy the state is shown as a problem.
    let mut app = app_sized("welcome.js", CODE, 160, 48);
    app.require_signed = true;
    let row = status_row(&app, 160, 48);
    assert!(row.contains("unsigned (required)"), "{row}");
    rows.push(format!("{:<10} {row}", "sample"));
    insta::assert_snapshot!("trust_status_states", rows.join("\n"));
}

#[test]
fn a_file_edited_on_disk_after_signing_is_modified_and_typing_it_back_makes_it_signed() {
    let dir = tempfile::tempdir().unwrap();
    let (file, signers) = signed_by_alice(dir.path(), "plugin.js");
    let tampered = "const x = 1 + 2;\nx * 3;\n";
    std::fs::write(&file, tampered).unwrap();
    let mut app = file_app(&file, tampered, 80, 24, false);
    checked(&mut app, &file, &signers);
    assert!(status_row(&app, 80, 24).contains("modified since signing"));
    // Back to the signed text: the signature covers it.
    app.update(Action::SelectAll);
    app.update(Action::Insert(CODE.into()));
    rescan(&mut app);
    assert_eq!(app.buffer.text(), CODE);
    assert!(
        status_row(&app, 80, 24).contains("signed by alice"),
        "{}",
        status_row(&app, 80, 24)
    );
}

/// An audit line of a run of `file` with a fixed time.
fn entry(file: &str, outcome: Outcome, duration_ms: f64, time: &str) -> AuditEntry {
    let mut o = tui_support::outcome("1;", outcome);
    o.duration_ms = duration_ms;
    let report = scan("1;");
    let trust = TrustState::Unsigned;
    let permissions = Permissions::default();
    let ctx = RunContext {
        source: "workbench",
        file,
        profile: Profile::Strict,
        permissions: &permissions,
        trust: &trust,
        scan_cache_hit: false,
        forced: false,
    };
    let mut e = AuditEntry::from_run(&ctx, &o, &report);
    e.time = time.to_string();
    e.user = "tester".into();
    e.uid = 1000;
    e
}

fn history_app(log: &AuditLog, w: u16, h: u16) -> App {
    let mut app = app_sized("test.js", "1;", w, h);
    app.update(load_audit(log));
    app.results_tab = ResultsTab::History;
    app
}

#[test]
fn the_history_tab_lists_the_audit_log_with_the_figures_of_stats() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path());
    // An older run, outside the listed window once the log is longer than the tab.
    let runs = [
        ("/p/a.js", Outcome::Ok, 12.0),
        ("/p/b.js", Outcome::Blocked, 0.0),
        ("/p/a.js", Outcome::Timeout, 5000.0),
        ("/p/c.js", Outcome::Ok, 30.0),
    ];
    for (i, (f, o, d)) in runs.iter().enumerate() {
        log.append(&entry(f, *o, *d, &format!("2026-12-03T10:0{i}:00.000Z")))
            .unwrap();
    }
    // A line that is not a record (a crash, a hand edit): skipped and counted.
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(log.path())
        .unwrap();
    f.write_all(b"{not json\n").unwrap();
    drop(f);
    let app = history_app(&log, 80, 24);
    let Some(Ok(view)) = &app.audit else {
        panic!("{:?}", app.audit)
    };
    assert_eq!(view.runs.len(), 4);
    assert_eq!(view.unreadable, 1);
    // The figures are stats::compute's over exactly the runs listed.
    let expected = stats::compute(&log, Some("2026-12-03T10:00:00.000Z")).unwrap();
    assert_eq!(view.stats.as_ref().unwrap().runs, expected.runs);
    assert_eq!(
        view.stats.as_ref().unwrap().duration_ms,
        expected.duration_ms
    );
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let app = history_app(&log, w, h);
        let t = draw(&app, w, h);
        let screen = format!("{:?}", t.backend());
        assert!(
            screen.contains("4 runs: blocked 1 · ok 2 · timeout 1"),
            "{screen}"
        );
        // The newest run first, right under the figures.
        assert!(screen.contains("12-03 10:03 ok"), "{screen}");
        if h >= 48 {
            assert!(screen.contains("1 malformed audit line"), "{screen}");
            assert!(screen.contains("p50 12 ms"), "{screen}");
        }
        insta::assert_snapshot!(format!("trust_history_{w}x{h}"), t.backend());
    }
}

#[test]
fn the_history_tab_reads_only_the_last_lines_and_counts_them_like_stats() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::new(dir.path());
    let n = MAX_HISTORY + 10;
    for i in 0..n {
        let o = if i < 10 {
            Outcome::Blocked
        } else {
            Outcome::Ok
        };
        let t = format!("2026-12-03T10:{:02}:{:02}.000Z", i / 60, i % 60);
        log.append(&entry("/p/a.js", o, i as f64, &t)).unwrap();
    }
    let app = history_app(&log, 160, 48);
    let Some(Ok(view)) = &app.audit else {
        panic!("{:?}", app.audit)
    };
    assert_eq!(view.runs.len(), MAX_HISTORY);
    let s = view.stats.as_ref().unwrap();
    assert_eq!(
        s.runs, MAX_HISTORY as u64,
        "only the runs listed are counted"
    );
    assert_eq!(
        s.outcomes.get("blocked"),
        None,
        "the 10 older runs are not listed"
    );
    assert_eq!(s.duration_ms.max, (n - 1) as f64);
    // The newest run is listed first.
    let t = draw(&app, 160, 48);
    let screen = format!("{:?}", t.backend());
    let first_row = screen
        .lines()
        .find(|l| l.contains("12-03 10:0"))
        .unwrap_or_default();
    assert!(first_row.contains("10:00"), "{first_row}");
}

#[test]
fn an_unreadable_audit_log_is_a_warning_and_the_tab_says_so() {
    let mut app = app_sized("test.js", "1;", 80, 24);
    app.update(Action::AuditLoaded(Err("permission denied".into())));
    app.results_tab = ResultsTab::History;
    let t = draw(&app, 80, 24);
    let screen = format!("{:?}", t.backend());
    assert!(screen.contains("the audit log cannot be read"), "{screen}");
    assert!(app
        .messages
        .iter()
        .any(|m| format!("{m:?}").contains("permission denied")));
}

#[test]
fn a_run_carries_what_its_audit_line_needs_forced_when_a_block_verdict_is_overridden() {
    use sandbench::engine::scan::Verdict;
    use sandbench::tui::action::Effect;
    let mut app = app(ESCAPE_JS);
    scan_done(&mut app, escape_report(ESCAPE_JS));
    assert!(
        app.update(Action::Run).is_empty(),
        "the block verdict asks first"
    );
    let fx = app.update(Action::ConfirmRun);
    let [Effect::StartRun { audit, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert!(audit.forced);
    assert_eq!(audit.path, None, "not a file: never signed");
    assert_eq!(audit.file, "test.js");
    assert_eq!(
        audit.report.as_ref().map(|r| r.verdict),
        Some(Verdict::Block)
    );
    // An allowed run is not forced.
    let mut app = app_sized("ok.js", "1;", 80, 24);
    let fx = app.update(Action::Run);
    let [Effect::StartRun { audit, .. }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert!(!audit.forced);
}
