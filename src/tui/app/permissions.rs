//! The Permissions panel and "grant this".
//!
//! A buffer's permissions are those `sandbench run` would give it: the manifest beside its
//! file (`sandbench.toml`), with the buffer's own grants laid over it as `--allow-*` /
//! `--deny-all` flags would be (from its `run-options` header, or edited here and saved with
//! its settings). Every edit applies to the **next** run, never the one going: a run took a
//! copy of its permissions when it started, and its results keep that copy.
//!
//! Nothing here touches the disk: a directory typed in is checked (as `--allow-read` checks
//! it) and a Blocked row's grant proposed (`Permissions::grant_for_in`, which looks at the
//! directory) by effects off the UI thread.

use super::{App, Focus, Overlay, ResultsTab};
use crate::engine::policy::manifest::{permissions_for, source_of, GrantSource, Overrides};
use crate::engine::policy::{module_root, Grant, NetGrant, Permissions, PURE_MODULES};
use crate::engine::scan::granted;
use crate::engine::text;
use crate::tui::action::{Action, Effect};
use crate::tui::settings::SettingsSource;
use std::path::PathBuf;

/// Longest entry typed into the panel.
const MAX_ENTRY: usize = 4_200;

/// The panel's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PermissionsPanel {
    /// The selected row ([`App::permission_rows`]).
    pub row: usize,
    /// Text being typed after `a`: `read DIR`, `net HOST[:PORT]`, `module NAME`.
    pub adding: Option<String>,
    /// What is wrong with the text being typed (the command line's words), or the last
    /// refusal.
    pub error: Option<String>,
}

/// One row of the panel: a grant in force (or the module default, or deny-all) and where it
/// came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionRow {
    pub kind: &'static str,
    pub what: String,
    pub source: String,
    /// The grant this row removes (`None`: not the buffer's own, or the deny-all row).
    pub removable: Option<Grant>,
    pub deny_all: bool,
}

/// A typed entry, checked as the command line checks the same flag. `Ok(None)`: nothing
/// typed yet.
pub fn parse_entry(text: &str) -> Result<Option<Grant>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let (kind, rest) = match t.split_once(char::is_whitespace) {
        Some((k, r)) => (k, r.trim()),
        None if t.starts_with('/') => ("read", t),
        None => (t, ""),
    };
    let need = |what: &str| Err(format!("{kind}: give {what}"));
    match kind {
        "read" | "r" => {
            if rest.is_empty() {
                return need("an absolute directory");
            }
            let dir = PathBuf::from(rest);
            let mut p = Permissions::none();
            p.filesystem.read.push(dir.clone());
            p.validate()
                .map_err(|e| format!("--allow-read {rest}: {e}"))?;
            Ok(Some(Grant::Read(dir)))
        }
        "net" | "n" => {
            if rest.is_empty() {
                return need("HOST[:PORT], with http:// or https:// for one protocol");
            }
            let grants =
                NetGrant::parse_flag(rest).map_err(|e| format!("--allow-net {rest}: {e}"))?;
            // Without a scheme the flag grants both protocols: the first is added here, the
            // second by `add` below (see `App::add_grant`).
            grants
                .into_iter()
                .next()
                .map(|g| Some(Grant::Net(g)))
                .ok_or_else(|| format!("--allow-net {rest}: nothing to grant"))
        }
        "module" | "m" => {
            if rest.is_empty() {
                return need(&format!("a module ({})", PURE_MODULES.join(", ")));
            }
            let mut p = Permissions::none();
            p.modules.push(rest.to_string());
            p.validate()
                .map_err(|e| format!("--allow-module {rest}: {e}"))?;
            Ok(Some(Grant::Module(module_root(rest).to_string())))
        }
        _ => Err(format!(
            "'{}': start with read DIR, net HOST[:PORT] or module NAME",
            text::truncate(kind, 40)
        )),
    }
}

/// Every grant a typed `net` entry stands for (both protocols without a scheme, as the flag).
fn net_grants(text: &str) -> Vec<NetGrant> {
    let rest = text
        .trim()
        .split_once(char::is_whitespace)
        .map_or("", |(_, r)| r.trim());
    NetGrant::parse_flag(rest).unwrap_or_default()
}

fn has_in(o: &Overrides, g: &Grant) -> bool {
    match g {
        Grant::Read(d) => o.read.contains(d),
        Grant::Net(n) => o.network.iter().any(|x| x.same_as(n)),
        Grant::Module(m) => o.modules.iter().any(|x| module_root(x) == module_root(m)),
    }
}

/// Why a grant could not be made, fit for one line of the panel (the status bar's messages
/// are escaped and cut by `App::log` already).
fn reason(why: &str) -> String {
    text::truncate(&text::escape(why, false), 300).into_owned()
}

fn add_to(o: &mut Overrides, g: &Grant) {
    if has_in(o, g) {
        return;
    }
    match g {
        Grant::Read(d) => o.read.push(d.clone()),
        Grant::Net(n) => o.network.push(n.clone()),
        Grant::Module(m) => o.modules.push(module_root(m).to_string()),
    }
}

fn remove_from(o: &mut Overrides, g: &Grant) {
    match g {
        Grant::Read(d) => o.read.retain(|x| x != d),
        Grant::Net(n) => o.network.retain(|x| !x.same_as(n)),
        Grant::Module(m) => o.modules.retain(|x| module_root(x) != module_root(m)),
    }
}

impl App {
    /// What the next run of this buffer is granted: the manifest beside its file, with the
    /// buffer's grants laid over it (as `run` lays its flags over the manifest).
    pub fn permissions(&self) -> Permissions {
        let mut p = permissions_for(self.manifest_in_force(), &self.settings.grants);
        // A manifest's limits were checked when it was read; the buffer's grants when they
        // were typed or loaded. Together they still fit the bounds (same checks as `run`).
        if p.validate().is_err() {
            p = permissions_for(None, &self.settings.grants);
        }
        p
    }

    /// The buffer's manifest, when it was read without error.
    pub fn manifest_in_force(&self) -> Option<&crate::engine::policy::manifest::Manifest> {
        self.manifest.as_ref().and_then(|m| m.as_ref().ok())
    }

    /// Where a grant of this buffer came from, as the panel and the threat pane say it.
    pub fn grant_source(&self, g: &Grant) -> String {
        match source_of(g, self.manifest_in_force(), &self.settings.grants) {
            GrantSource::Overrides => match self.settings_source {
                SettingsSource::Header => "run-options header".to_string(),
                _ => "workbench settings".to_string(),
            },
            GrantSource::Manifest(p) => {
                format!("manifest {}", text::escape(&p.display().to_string(), false))
            }
            GrantSource::Default => "default".to_string(),
        }
    }

    /// The scan's report with this buffer's grants applied (see [`granted::apply_grants`]).
    pub(super) fn regate(&mut self) {
        let Some(plain) = &self.plain_report else {
            return;
        };
        let perms = self.permissions();
        let gated = granted::apply_grants(plain, &perms, &|g| {
            format!("{g} ({})", self.grant_source(g))
        });
        let n = gated.findings.len();
        self.report = Some(gated);
        self.finding_selected = self.finding_selected.min(n.saturating_sub(1));
    }

    /// The panel's rows: each directory and host in force, the modules (one row when they are
    /// the default list), and deny-all.
    pub fn permission_rows(&self) -> Vec<PermissionRow> {
        let p = self.permissions();
        let mut rows = Vec::new();
        let row = |kind, g: Grant, app: &App| {
            let source = app.grant_source(&g);
            let own = has_in(&app.settings.grants, &g);
            let what = match &g {
                Grant::Read(d) => text::escape(&d.display().to_string(), false).into_owned(),
                Grant::Net(n) => n.to_string(),
                Grant::Module(m) => m.clone(),
            };
            PermissionRow {
                kind,
                what,
                source,
                removable: own.then_some(g),
                deny_all: false,
            }
        };
        for d in &p.filesystem.read {
            rows.push(row("read", Grant::Read(d.clone()), self));
        }
        for n in &p.network {
            rows.push(row("net", Grant::Net(n.clone()), self));
        }
        if p.modules == Permissions::default().modules && !self.settings.grants.deny_all {
            rows.push(PermissionRow {
                kind: "modules",
                what: "the ten pure modules".to_string(),
                source: "default".to_string(),
                removable: None,
                deny_all: false,
            });
        } else if p.modules.is_empty() {
            rows.push(PermissionRow {
                kind: "modules",
                what: "none".to_string(),
                source: "deny-all".to_string(),
                removable: None,
                deny_all: false,
            });
        } else {
            for m in &p.modules {
                rows.push(row("module", Grant::Module(m.clone()), self));
            }
        }
        rows.push(PermissionRow {
            kind: "deny-all",
            what: if self.settings.grants.deny_all {
                "on"
            } else {
                "off"
            }
            .to_string(),
            source: "x toggles (on: only what you add)".to_string(),
            removable: None,
            deny_all: true,
        });
        rows
    }

    pub(super) fn open_permissions(&mut self) {
        self.overlay = Overlay::Permissions(Box::default());
    }

    /// `x` (or Enter on its row): deny-all on or off.
    fn toggle_deny_all(&mut self) -> Vec<Effect> {
        let grants = &mut self.settings.grants;
        grants.deny_all = !grants.deny_all;
        let on = if grants.deny_all { "on" } else { "off" };
        self.grants_changed(format!("deny-all {on}"))
    }

    /// Applies an edit of the buffer's grants: saved with its settings, for the next run.
    fn grants_changed(&mut self, said: String) -> Vec<Effect> {
        self.regate();
        let fx = self.settings_changed();
        let running = if self.live_here().is_some() {
            " (the run going now keeps the permissions it started with)"
        } else {
            ""
        };
        self.say(format!("{said}: applies to the next run{running}"));
        fx
    }

    /// Adds `g` to the buffer's grants (a typed host without a scheme: both protocols).
    fn add_grant(&mut self, g: &Grant, typed: Option<&str>) -> Vec<Effect> {
        match (g, typed) {
            (Grant::Net(_), Some(t)) => {
                for n in net_grants(t) {
                    add_to(&mut self.settings.grants, &Grant::Net(n));
                }
            }
            _ => add_to(&mut self.settings.grants, g),
        }
        self.grants_changed(format!("granted {g}"))
    }

    pub(super) fn on_permissions_key(
        &mut self,
        mut panel: Box<PermissionsPanel>,
        action: Action,
    ) -> (Overlay, Vec<Effect>) {
        if let Some(mut text) = panel.adding.take() {
            let entered = action == Action::Enter;
            match action {
                Action::Escape => {
                    panel.error = None;
                    return (Overlay::Permissions(panel), vec![]);
                }
                Action::PromptChar(c) if text.len() < MAX_ENTRY => text.push(c),
                Action::Paste(s) | Action::Insert(s) => {
                    let s: String = s.chars().filter(|c| !c.is_control()).collect();
                    if text.len() + s.len() <= MAX_ENTRY {
                        text.push_str(&s);
                    }
                }
                Action::PromptBackspace | Action::Backspace => {
                    text.pop();
                }
                Action::Enter => match parse_entry(&text) {
                    Ok(Some(Grant::Read(dir))) => {
                        // The directory must exist (as for --allow-read): checked off the
                        // UI thread, added by `on_read_dir_checked`.
                        panel.error = None;
                        let fx = vec![Effect::CheckReadDir {
                            origin: self.origin.clone(),
                            dir,
                        }];
                        return (Overlay::Permissions(panel), fx);
                    }
                    Ok(Some(g)) => {
                        panel.error = None;
                        let fx = self.add_grant(&g, Some(&text));
                        return (Overlay::Permissions(panel), fx);
                    }
                    Ok(None) => {
                        panel.error = None;
                        return (Overlay::Permissions(panel), vec![]);
                    }
                    Err(e) => panel.error = Some(e),
                },
                Action::Quit => return (Overlay::None, self.request_quit()),
                _ => {}
            }
            // Validated as typed: the command line's own words for what is wrong.
            if !entered {
                panel.error = parse_entry(&text).err();
            }
            panel.adding = Some(text);
            return (Overlay::Permissions(panel), vec![]);
        }
        let rows = self.permission_rows();
        let n = rows.len();
        match action {
            Action::Escape | Action::ShowPermissions | Action::Answer('q') => {
                return (Overlay::None, vec![])
            }
            Action::Quit => return (Overlay::None, self.request_quit()),
            Action::Up => panel.row = panel.row.saturating_sub(1),
            Action::Down => panel.row = (panel.row + 1).min(n.saturating_sub(1)),
            Action::Answer('a') | Action::Answer('+') => {
                panel.adding = Some(String::new());
                panel.error = None;
            }
            Action::Answer('x') => {
                let fx = self.toggle_deny_all();
                return (Overlay::Permissions(panel), fx);
            }
            Action::Enter if rows.get(panel.row).is_some_and(|r| r.deny_all) => {
                let fx = self.toggle_deny_all();
                return (Overlay::Permissions(panel), fx);
            }
            Action::Answer('d') | Action::Delete | Action::Answer('-') => {
                match rows.get(panel.row) {
                    Some(PermissionRow {
                        removable: Some(g), ..
                    }) => {
                        let g = g.clone();
                        remove_from(&mut self.settings.grants, &g);
                        panel.error = None;
                        let fx = self.grants_changed(format!("removed {g}"));
                        let left = self.permission_rows().len();
                        panel.row = panel.row.min(left.saturating_sub(1));
                        return (Overlay::Permissions(panel), fx);
                    }
                    Some(r) if r.deny_all => {}
                    Some(r) => {
                        panel.error = Some(match r.source.strip_prefix("manifest ") {
                            Some(m) => format!(
                                "{} {} comes from the manifest {m}: edit it there, or turn deny-all on (x)",
                                r.kind, r.what
                            ),
                            None => format!(
                                "{} {} is the default: turn deny-all on (x) to grant only what you add",
                                r.kind, r.what
                            ),
                        })
                    }
                    None => {}
                }
            }
            _ => {}
        }
        (Overlay::Permissions(panel), vec![])
    }

    /// A typed directory was checked: added, or the panel says why not.
    pub(super) fn on_read_dir_checked(&mut self, result: Result<PathBuf, String>) -> Vec<Effect> {
        match result {
            Ok(dir) => {
                let fx = self.add_grant(&Grant::Read(dir), None);
                if let Overlay::Permissions(p) = &mut self.overlay {
                    p.error = None;
                }
                fx
            }
            Err(e) => {
                match &mut self.overlay {
                    Overlay::Permissions(p) => p.error = Some(reason(&e)),
                    _ => self.warn(e),
                }
                vec![]
            }
        }
    }

    /// `g` on a Blocked row: asks (off the UI thread) what grant would have allowed it.
    pub(super) fn grant_this(&mut self) -> Vec<Effect> {
        if self.focus != Focus::Results || self.results_tab != ResultsTab::Blocked {
            return vec![];
        }
        let Some(b) = self.blocked_list().get(self.blocked_selected).cloned() else {
            self.say("no blocked attempt to grant");
            return vec![];
        };
        let plugin_dir = self
            .path()
            .and_then(|p| std::path::absolute(p).ok())
            .and_then(|p| p.parent().map(|d| d.to_path_buf()));
        vec![Effect::ProposeGrant {
            origin: self.origin.clone(),
            blocked: Box::new(b),
            permissions: Box::new(self.permissions()),
            plugin_dir,
        }]
    }

    pub(super) fn on_grant_proposed(&mut self, result: Result<Grant, String>) -> Vec<Effect> {
        match result {
            Ok(grant) if matches!(self.overlay, Overlay::None) => {
                self.overlay = Overlay::ConfirmGrant { grant };
            }
            Ok(_) => {}
            Err(why) => {
                self.say(format!("nothing to grant: {why}"));
            }
        }
        vec![]
    }

    /// The answer to "grant this?".
    pub(super) fn on_confirm_grant(
        &mut self,
        grant: Grant,
        action: Action,
    ) -> (Overlay, Vec<Effect>) {
        match action {
            Action::Enter | Action::Answer('y') | Action::Answer('g') => {
                add_to(&mut self.settings.grants, &grant);
                self.regate();
                let fx = self.settings_changed();
                self.say(format!(
                    "granted for the next run: {grant} (F9 lists the permissions)"
                ));
                (Overlay::None, fx)
            }
            Action::Quit => (Overlay::None, self.request_quit()),
            Action::Escape | Action::Cancel | Action::Answer('n') => {
                self.say("not granted");
                (Overlay::None, vec![])
            }
            _ => (Overlay::ConfirmGrant { grant }, vec![]),
        }
    }

    /// The manifest beside the buffer's file arrived (or there is none).
    pub(super) fn on_manifest_loaded(
        &mut self,
        result: Option<Result<Box<crate::engine::policy::manifest::Manifest>, String>>,
    ) -> Vec<Effect> {
        if let Some(Err(e)) = &result {
            self.warn(format!("manifest ignored: {e}"));
        }
        self.manifest = result.map(|r| r.map(|m| *m));
        self.regate();
        vec![]
    }

    /// Reads the manifest beside the buffer's file (at open and save).
    pub(super) fn manifest_effect(&self) -> Option<Effect> {
        let path = self.path()?.to_path_buf();
        Some(Effect::LoadManifest {
            origin: self.origin.clone(),
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_checked_with_the_command_lines_words() {
        assert_eq!(parse_entry("  "), Ok(None));
        assert_eq!(
            parse_entry("read /srv/conf"),
            Ok(Some(Grant::Read(PathBuf::from("/srv/conf"))))
        );
        assert_eq!(
            parse_entry("/srv/conf"),
            Ok(Some(Grant::Read(PathBuf::from("/srv/conf"))))
        );
        let e = parse_entry("read conf").expect_err("relative");
        assert!(
            e.starts_with("--allow-read conf:") && e.contains("not an absolute path"),
            "{e}"
        );
        let e = parse_entry("read /").expect_err("root");
        assert!(e.contains("whole filesystem"), "{e}");
        let e = parse_entry("net https://a.example.com/x").expect_err("path");
        assert!(e.starts_with("--allow-net") && e.contains("path"), "{e}");
        let e = parse_entry("net a.example.com:0").expect_err("port 0");
        assert!(e.contains("port 0"), "{e}");
        let g = parse_entry("net https://api.example.com")
            .expect("ok")
            .expect("grant");
        assert_eq!(g.to_string(), "net https://api.example.com:443");
        assert_eq!(net_grants("net api.example.com").len(), 2, "both protocols");
        assert_eq!(
            parse_entry("module node:events"),
            Ok(Some(Grant::Module("events".into())))
        );
        for (m, why) in [
            ("child_process", "never be granted"),
            ("fs", "--allow-read"),
            ("lodash", "no host module"),
        ] {
            let e = parse_entry(&format!("module {m}")).expect_err(m);
            assert!(e.contains(why), "{m}: {e}");
        }
        assert!(parse_entry("write /tmp").is_err());
        assert!(parse_entry("net").expect_err("empty").contains("HOST"));
    }

    #[test]
    fn overrides_edits_add_once_and_remove_exactly() {
        let mut o = Overrides::default();
        let d = Grant::Read(PathBuf::from("/srv/a"));
        add_to(&mut o, &d);
        add_to(&mut o, &d);
        assert_eq!(o.read.len(), 1);
        let m = Grant::Module("events".into());
        add_to(&mut o, &m);
        assert!(has_in(&o, &Grant::Module("node:events".into())));
        remove_from(&mut o, &d);
        assert!(o.read.is_empty() && o.modules == ["events"]);
    }
}
