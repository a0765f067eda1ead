//! The workbench's Permissions panel (F9) and "grant this" (g on a Blocked row), through
//! `App::update` as the driver delivers actions: what is in force and where it came from,
//! edits checked with the command line's words, saved with the buffer's settings, applied to
//! the next run and never the one going; the scan pane and F5 gate honour the grants.
//! Snapshots of the panel at 80×24 and 160×48.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_support;

use sandbench::engine::exec::{BlockedAttempt, ExecEvent, Outcome};
use sandbench::engine::policy::manifest::Manifest;
use sandbench::engine::policy::Grant;
use sandbench::engine::scan::Verdict;
use sandbench::engine::Category;
use sandbench::tui::action::{Action, Effect};
use sandbench::tui::app::{App, AppInit, Focus, Overlay, ResultsTab};
use sandbench::tui::recovery::Origin;
use sandbench::tui::theme::ThemeSet;
use std::path::{Path, PathBuf};
use tui_support::*;

const PLUGIN: &str = "const fs = require('fs');\nconst cfg = JSON.parse(fs.readFileSync('config.json', 'utf8'));\n({ name: cfg.name, at: fetch('https://api.example.com/v1') && 1 });\n";

const FILE: &str = "/plugins/report/plugin.js";

/// A workbench on the plugin file (which need not exist: the App does no IO).
fn plugin_app(w: u16, h: u16) -> App {
    let mut init = AppInit::file(PathBuf::from(FILE), PLUGIN);
    init.executors = executors();
    init.auto_name = "quickjs-process".into();
    init.themes = ThemeSet::load_from(None, false);
    init.size = (w, h);
    let mut app = App::new(init);
    let fx = app.start();
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadManifest { path, .. } if path == Path::new(FILE))),
        "the manifest beside the file is read at start: {fx:?}"
    );
    scan_done(&mut app, sandbench::engine::scan::scan(PLUGIN));
    app
}

fn manifest() -> Manifest {
    Manifest::parse(
        "[permissions.filesystem]\nread = [\"conf\"]\n",
        Path::new("/plugins/report/sandbench.toml"),
        Path::new("/plugins/report"),
    )
    .expect("manifest")
}

fn with_manifest(app: &mut App) {
    let origin = app.origin.clone();
    app.update(Action::ManifestLoaded {
        origin,
        result: Some(Ok(Box::new(manifest()))),
    });
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::PromptChar(c));
    }
}

fn panel_error(app: &App) -> Option<String> {
    match &app.overlay {
        Overlay::Permissions(p) => p.error.clone(),
        other => panic!("the panel is not open: {other:?}"),
    }
}

fn saved_grants(fx: &[Effect]) -> Option<sandbench::tui::settings::SavedGrants> {
    fx.iter().find_map(|e| match e {
        Effect::SaveSettings { settings, .. } => Some(settings.grants.clone()),
        _ => None,
    })?
}

/// In the permissions panel: `a` (add), then `entry` typed into its line.
fn add_entry(app: &mut App, entry: &str) {
    app.update(Action::Answer('a'));
    type_text(app, entry);
}

#[test]
fn the_manifest_grants_show_with_their_source_and_the_gate_honours_them() {
    let mut app = plugin_app(120, 40);
    assert_eq!(app.verdict(), Some(Verdict::Block), "nothing granted yet");
    with_manifest(&mut app);
    // require('fs') and the relative read are granted use; the fetch (not granted) counts.
    assert_eq!(app.verdict(), Some(Verdict::Review), "{:#?}", app.report);
    let granted: Vec<_> = app
        .findings()
        .iter()
        .filter_map(|f| f.granted.clone())
        .collect();
    assert_eq!(granted.len(), 2, "{granted:?}");
    assert!(
        granted[0] == "read /plugins/report/conf (manifest /plugins/report/sandbench.toml)",
        "{granted:?}"
    );
    app.update(Action::ShowPermissions);
    let rows = app.permission_rows();
    assert_eq!(rows[0].kind, "read");
    assert_eq!(rows[0].what, "/plugins/report/conf");
    assert_eq!(rows[0].source, "manifest /plugins/report/sandbench.toml");
    assert!(
        rows[0].removable.is_none(),
        "the manifest's, not the buffer's"
    );
    // Removing it explains where to change it instead.
    app.update(Action::Answer('d'));
    assert!(panel_error(&app)
        .expect("why")
        .contains("comes from the manifest"));
    // Deny-all ignores the manifest: blocked again, for the next run.
    let fx = app.update(Action::Answer('x'));
    assert!(saved_grants(&fx).expect("saved").deny_all);
    assert_eq!(app.verdict(), Some(Verdict::Block));
    assert!(app.permissions().filesystem.read.is_empty());
    assert!(app.permissions().modules.is_empty());
    app.update(Action::Answer('x'));
    assert_eq!(app.verdict(), Some(Verdict::Review));
}

#[test]
fn entries_are_checked_as_typed_and_added_for_the_next_run_only() {
    let mut app = plugin_app(120, 40);
    app.update(Action::ShowPermissions);
    add_entry(&mut app, "net https://api.example.com/v1");
    let e = panel_error(&app).expect("a path is refused as --allow-net refuses it");
    assert!(
        e.starts_with("--allow-net https://api.example.com/v1:") && e.contains("path"),
        "{e}"
    );
    for _ in 0.."/v1".len() {
        app.update(Action::PromptBackspace);
    }
    assert_eq!(panel_error(&app), None);
    let fx = app.update(Action::Enter);
    let saved = saved_grants(&fx).expect("saved with the file's settings");
    assert_eq!(saved.network.len(), 1);
    assert_eq!(saved.network[0].to_string(), "https://api.example.com:443");
    // The fetch to that host is granted use now; fs still blocks.
    let f = app
        .findings()
        .iter()
        .find(|f| f.rule.as_str() == "network-fetch")
        .expect("fetch finding");
    assert!(
        f.granted
            .as_deref()
            .is_some_and(|g| g.contains("workbench settings")),
        "{f:?}"
    );
    assert_eq!(app.verdict(), Some(Verdict::Block));
    // A directory: its syntax as typed, its existence checked off the UI thread.
    add_entry(&mut app, "read conf");
    assert!(panel_error(&app)
        .expect("relative")
        .contains("not an absolute path"));
    app.update(Action::Escape);
    add_entry(&mut app, "read /plugins/report/conf");
    let fx = app.update(Action::Enter);
    let dir = match fx.as_slice() {
        [Effect::CheckReadDir { dir, .. }] => dir.clone(),
        other => panic!("{other:?}"),
    };
    let origin = app.origin.clone();
    app.update(Action::ReadDirChecked {
        origin: origin.clone(),
        result: Err("filesystem.read: '/plugins/report/conf' does not exist".into()),
    });
    assert!(panel_error(&app)
        .expect("refused")
        .contains("does not exist"));
    let fx = app.update(Action::ReadDirChecked {
        origin,
        result: Ok(dir),
    });
    assert_eq!(saved_grants(&fx).expect("saved").read.len(), 1);
    assert_eq!(app.verdict(), Some(Verdict::Allow), "{:#?}", app.report);
    // Modules: never child_process, with the command line's words.
    add_entry(&mut app, "module child_process");
    assert!(panel_error(&app)
        .expect("never")
        .contains("can never be granted"));
    app.update(Action::Escape);
    app.update(Action::Escape);
    assert_eq!(app.overlay, Overlay::None);
    // Removing the buffer's own grant.
    app.update(Action::ShowPermissions);
    let fx = app.update(Action::Answer('d'));
    assert!(saved_grants(&fx).expect("saved").read.is_empty());
    assert_eq!(app.verdict(), Some(Verdict::Block));
}

#[test]
fn grant_this_edits_the_next_run_never_the_current_one() {
    let mut app = plugin_app(120, 40);
    // A run starts with nothing granted (F5 asks: block verdict).
    app.update(Action::Run);
    assert_eq!(app.overlay, Overlay::ConfirmBlock);
    let fx = app.update(Action::ConfirmRun);
    let (run, perms) = match fx.as_slice() {
        [Effect::StartRun { run, request, .. }] => (*run, request.permissions.clone()),
        other => panic!("{other:?}"),
    };
    assert!(perms.filesystem.read.is_empty());
    let refused = BlockedAttempt {
        capability: "fs".into(),
        category: Category::Filesystem,
        message: "Module 'fs' is not allowed in sandbox".into(),
        line: Some(1),
        column: Some(12),
        count: 1,
    };
    exec(&mut app, run, ExecEvent::Blocked(refused.clone()));
    // Grant this while the run still goes: the request proposes from the buffer's grants.
    app.focus = Focus::Results;
    app.results_tab = ResultsTab::Blocked;
    let fx = app.update(Action::GrantThis);
    match fx.as_slice() {
        [Effect::ProposeGrant {
            blocked,
            plugin_dir,
            ..
        }] => {
            assert_eq!(**blocked, refused);
            assert_eq!(plugin_dir.as_deref(), Some(Path::new("/plugins/report")));
        }
        other => panic!("{other:?}"),
    }
    let origin = app.origin.clone();
    let grant = Grant::Read(PathBuf::from("/plugins/report"));
    app.update(Action::GrantProposed {
        origin: origin.clone(),
        result: Ok(grant.clone()),
    });
    assert_eq!(
        app.overlay,
        Overlay::ConfirmGrant {
            grant: grant.clone()
        }
    );
    let fx = app.update(Action::Answer('y'));
    assert_eq!(
        saved_grants(&fx).expect("saved").read,
        [PathBuf::from("/plugins/report")]
    );
    assert!(app
        .message
        .as_deref()
        .unwrap_or("")
        .contains("granted for the next run"));
    // The run going keeps what it started with; its results record that.
    let mut o = outcome(PLUGIN, Outcome::Error);
    o.blocked = vec![refused];
    exec(&mut app, run, ExecEvent::Finished(Box::new(o)));
    let last = app.runs.last.as_ref().expect("finished");
    assert!(
        last.permissions.filesystem.read.is_empty(),
        "the run's own copy"
    );
    // The next run has it, and the gate lets it through without asking.
    assert_eq!(
        app.verdict(),
        Some(Verdict::Review),
        "the fetch still counts"
    );
    let fx = app.update(Action::Run);
    match fx.as_slice() {
        [Effect::StartRun { request, .. }] => {
            assert_eq!(
                request.permissions.filesystem.read,
                [PathBuf::from("/plugins/report")]
            )
        }
        other => panic!("{other:?}"),
    }
    // No grant: the reason is said, nothing changes.
    let mut app = plugin_app(120, 40);
    let before = app.permissions();
    app.update(Action::GrantProposed {
        origin: app.origin.clone(),
        result: Err("no safe grant for /etc/passwd: /etc is a system directory".into()),
    });
    assert_eq!(app.overlay, Overlay::None);
    assert!(app
        .message
        .as_deref()
        .unwrap_or("")
        .contains("no safe grant for /etc/passwd"));
    assert_eq!(app.permissions(), before);
    // Another buffer's late answer is dropped.
    app.update(Action::GrantProposed {
        origin: Origin::Untitled { title: "x".into() },
        result: Ok(grant),
    });
    assert_eq!(app.overlay, Overlay::None);
}

#[test]
fn saved_grants_come_back_and_bad_ones_are_refused() {
    let mut app = plugin_app(120, 40);
    app.update(Action::ShowPermissions);
    add_entry(&mut app, "module events");
    let fx = app.update(Action::Enter);
    let saved = match fx.iter().find(|e| matches!(e, Effect::SaveSettings { .. })) {
        Some(Effect::SaveSettings { settings, .. }) => settings.clone(),
        _ => panic!("{fx:?}"),
    };
    let back = saved.to_settings().expect("valid");
    assert_eq!(back.grants.modules, ["events"]);
    // A hand-edited file naming a never-granted module is refused whole.
    let mut bad = saved.clone();
    bad.grants.as_mut().expect("grants").modules = vec!["child_process".into()];
    assert!(bad
        .to_settings()
        .expect_err("refused")
        .contains("never be granted"));
}

fn panel_snapshot(w: u16, h: u16) -> App {
    let mut app = plugin_app(w, h);
    with_manifest(&mut app);
    app.update(Action::ShowPermissions);
    add_entry(&mut app, "net https://api.example.com");
    app.update(Action::Enter);
    app.update(Action::Down);
    app
}

#[test]
fn snapshots_of_the_panel_and_grant_this() {
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let app = panel_snapshot(w, h);
        insta::assert_snapshot!(format!("permissions_{w}x{h}"), draw(&app, w, h).backend());
        let mut app = panel_snapshot(w, h);
        add_entry(&mut app, "read relative/dir");
        insta::assert_snapshot!(
            format!("permissions_typing_{w}x{h}"),
            draw(&app, w, h).backend()
        );
        let mut app = plugin_app(w, h);
        with_manifest(&mut app);
        let origin = app.origin.clone();
        app.update(Action::GrantProposed {
            origin,
            result: Ok(Grant::Net(
                sandbench::engine::policy::NetGrant::parse_flag("https://api.example.com")
                    .expect("grant")
                    .remove(0),
            )),
        });
        insta::assert_snapshot!(format!("grant_this_{w}x{h}"), draw(&app, w, h).backend());
    }
}
