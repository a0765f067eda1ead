//! Recovery: this session's copy of the buffer (autosaved while it is dirty), and copies left
//! by sessions that did not quit cleanly, listed at start-up and offered when their buffer is
//! opened: restore, diff or discard, one at a time.
//!
//! A copy is deleted only when its content has been saved (the buffer was saved; the file
//! holds exactly its text) or when the user discarded it explicitly: `x` here, or "quit and
//! discard the changes" for this session's own copy. Closing the list, quitting, opening
//! another file: the copies stay.

use super::diff::{text_diff, DiffRow};
use super::files::Loaded;
use super::{App, Overlay};
use crate::engine::text;
use crate::tui::action::{Action, Effect, RecoveryPurpose, RecoveryText};
use crate::tui::recovery::{new_key, CopyInfo, Listing, Origin};

/// Why the recovery list is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoveryScope {
    /// At start-up: every copy on disk.
    Startup,
    /// Asked for (Ctrl-K): every copy on disk.
    All,
    /// The buffer just opened has copies.
    Opened,
}

/// The recovery list.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryView {
    pub copies: Vec<CopyInfo>,
    pub selected: usize,
    pub scope: RecoveryScope,
    /// `x` was pressed: waiting for `y`.
    pub confirm_discard: bool,
    /// A copy being read, and what for.
    pub waiting: Option<(String, RecoveryPurpose)>,
    /// Copies on disk not listed (over the listing bound).
    pub unlisted: usize,
}

impl RecoveryView {
    pub fn selected_copy(&self) -> Option<&CopyInfo> {
        self.copies.get(self.selected)
    }
}

/// A copy against the text it would replace.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffView {
    pub key: String,
    /// What is compared, for the title: `work.js: the file on disk → the recovery copy`.
    pub heading: String,
    pub rows: Vec<DiffRow>,
    pub scroll: usize,
    /// The list to go back to.
    pub back: RecoveryView,
}

impl App {
    /// Autosave is due: write this buffer's copy while it has unsaved changes.
    pub(super) fn on_autosave_due(&mut self) -> Vec<Effect> {
        if !self.needs_autosave() {
            return vec![];
        }
        self.autosaved_generation = self.generation();
        vec![self.write_own_copy(false)]
    }

    fn write_own_copy(&mut self, flush: bool) -> Effect {
        let key = match &self.own_copy {
            Some(k) => k.clone(),
            None => {
                let k = new_key(&self.origin, &self.session, self.buffer_serial);
                self.own_copy = Some(k.clone());
                k
            }
        };
        Effect::WriteRecovery {
            key,
            origin: self.origin.clone(),
            title: self.title.clone(),
            text: self.buffer.text(),
            flush,
        }
    }

    /// Writes the current text to this session's copy now, before the buffer goes away.
    pub(super) fn flush_own_copy(&mut self) -> Vec<Effect> {
        if !self.dirty() {
            return vec![];
        }
        self.autosaved_generation = self.generation();
        vec![self.write_own_copy(true)]
    }

    /// This session's copy is no longer needed (the buffer holds what its file holds, or the
    /// user discarded the changes).
    pub(super) fn drop_own_copy(&mut self) -> Vec<Effect> {
        self.own_copy
            .take()
            .map(|key| Effect::DeleteRecovery { key })
            .into_iter()
            .collect()
    }

    pub(super) fn on_recovery_listed(
        &mut self,
        only: Option<Origin>,
        listing: Listing,
    ) -> Vec<Effect> {
        for t in &listing.removed {
            self.say(format!(
                "recovery copy of {t} removed: the file holds exactly its text"
            ));
        }
        for e in &listing.errors {
            self.warn(format!("a recovery copy cannot be read (kept): {e}"));
        }
        let own = self.own_copy.clone();
        let copies: Vec<CopyInfo> = listing
            .copies
            .into_iter()
            .filter(|c| Some(&c.key) != own.as_ref() && !self.restored_from.contains(&c.key))
            .collect();
        let plural = |n: usize| if n == 1 { "y" } else { "ies" };
        let scope = match &only {
            None => {
                if let Overlay::Recovery(v) = &mut self.overlay {
                    // The answer to Ctrl-K fills the list it opened.
                    if v.scope == RecoveryScope::All && v.copies.is_empty() {
                        v.copies = copies;
                        v.unlisted = listing.unlisted;
                    }
                    return vec![];
                }
                RecoveryScope::Startup
            }
            Some(o) if *o != self.origin => return vec![], // another buffer by now
            Some(_) => RecoveryScope::Opened,
        };
        // Copies that only a running workbench owns are not worth interrupting for.
        if copies.iter().all(|c| c.in_use_by.is_some()) {
            if !copies.is_empty() {
                let n = copies.len();
                let (copies, verb) = if n == 1 {
                    ("copy", "belongs")
                } else {
                    ("copies", "belong")
                };
                self.say(format!(
                    "{n} recovery {copies} {verb} to another running workbench (Ctrl-K lists them)"
                ));
            }
            return vec![];
        }
        if !matches!(self.overlay, Overlay::None) {
            let n = copies.len();
            self.say(format!(
                "{n} recovery cop{} found — Ctrl-K lists them",
                plural(n)
            ));
            return vec![];
        }
        self.overlay = Overlay::Recovery(Box::new(RecoveryView {
            copies,
            selected: 0,
            scope,
            confirm_discard: false,
            waiting: None,
            unlisted: listing.unlisted,
        }));
        vec![]
    }

    /// Ctrl-K: every copy on disk.
    pub(super) fn show_recovery(&mut self) -> Vec<Effect> {
        self.overlay = Overlay::Recovery(Box::new(RecoveryView {
            copies: Vec::new(),
            selected: 0,
            scope: RecoveryScope::All,
            confirm_discard: false,
            waiting: None,
            unlisted: 0,
        }));
        vec![Effect::ListRecovery { only: None }]
    }

    /// Keys in the recovery list.
    pub(super) fn on_recovery_key(
        &mut self,
        mut v: Box<RecoveryView>,
        action: Action,
    ) -> (Overlay, Vec<Effect>) {
        let n = v.copies.len();
        if v.confirm_discard {
            v.confirm_discard = false;
            if matches!(action, Action::Answer('y') | Action::Enter) {
                if let Some(c) = v.copies.get(v.selected).cloned() {
                    if c.in_use_by.is_some() {
                        self.say("that copy belongs to a running workbench: not discarded");
                    } else {
                        v.copies.remove(v.selected);
                        v.selected = v.selected.min(v.copies.len().saturating_sub(1));
                        self.say(format!("discarded the recovery copy of {}", c.title));
                        let fx = vec![Effect::DeleteRecovery { key: c.key }];
                        if v.copies.is_empty() {
                            return (Overlay::None, fx);
                        }
                        return (Overlay::Recovery(v), fx);
                    }
                }
            }
            return (Overlay::Recovery(v), vec![]);
        }
        match action {
            Action::Up => v.selected = v.selected.saturating_sub(1),
            Action::Down => v.selected = (v.selected + 1).min(n.saturating_sub(1)),
            Action::Answer('x') | Action::Delete if v.selected_copy().is_some() => {
                v.confirm_discard = true;
            }
            Action::Answer('r' | 'v' | 'd') | Action::Enter => {
                let purpose = if matches!(action, Action::Answer('v' | 'd')) {
                    RecoveryPurpose::Diff
                } else {
                    RecoveryPurpose::Restore
                };
                if let Some(c) = v.selected_copy() {
                    let key = c.key.clone();
                    v.waiting = Some((key.clone(), purpose));
                    let fx = vec![Effect::LoadRecovery { key, purpose }];
                    return (Overlay::Recovery(v), fx);
                }
            }
            Action::Escape | Action::Cancel | Action::Answer('q') | Action::Quit => {
                if n > 0 {
                    self.say(format!(
                        "{n} recovery cop{} kept on disk (Ctrl-K lists them)",
                        if n == 1 { "y" } else { "ies" }
                    ));
                }
                if action == Action::Quit {
                    return (Overlay::None, self.request_quit());
                }
                return (Overlay::None, vec![]);
            }
            _ => {}
        }
        (Overlay::Recovery(v), vec![])
    }

    /// Keys in the diff of a copy.
    pub(super) fn on_recovery_diff_key(
        &mut self,
        mut d: Box<DiffView>,
        action: Action,
    ) -> (Overlay, Vec<Effect>) {
        let page = (self.size.1 as usize).saturating_sub(8).max(1);
        match action {
            Action::Up => d.scroll = d.scroll.saturating_sub(1),
            Action::Down => d.scroll = (d.scroll + 1).min(d.rows.len().saturating_sub(1)),
            Action::PageUp => d.scroll = d.scroll.saturating_sub(page),
            Action::PageDown => d.scroll = (d.scroll + page).min(d.rows.len().saturating_sub(1)),
            Action::Answer('r') | Action::Enter => {
                let mut back = d.back;
                back.waiting = Some((d.key.clone(), RecoveryPurpose::Restore));
                return (
                    Overlay::Recovery(Box::new(back)),
                    vec![Effect::LoadRecovery {
                        key: d.key,
                        purpose: RecoveryPurpose::Restore,
                    }],
                );
            }
            Action::Answer('x') | Action::Delete => {
                let mut back = d.back;
                back.confirm_discard = true;
                return (Overlay::Recovery(Box::new(back)), vec![]);
            }
            Action::Escape | Action::Cancel | Action::Answer('q') => {
                return (Overlay::Recovery(Box::new(d.back)), vec![])
            }
            _ => {}
        }
        (Overlay::RecoveryDiff(d), vec![])
    }

    pub(super) fn on_recovery_loaded(
        &mut self,
        key: String,
        purpose: RecoveryPurpose,
        result: Result<Box<RecoveryText>, String>,
    ) -> Vec<Effect> {
        let Overlay::Recovery(view) = &mut self.overlay else {
            return vec![];
        };
        if view.waiting.as_ref() != Some(&(key.clone(), purpose)) {
            return vec![];
        }
        view.waiting = None;
        let got = match result {
            Ok(t) => *t,
            Err(e) => {
                self.warn(format!("cannot read the recovery copy: {e}"));
                return vec![];
            }
        };
        let Some(info) = view.copies.iter().find(|c| c.key == key).cloned() else {
            return vec![];
        };
        match purpose {
            RecoveryPurpose::Diff => {
                let base = got.base.clone().unwrap_or_default();
                let rows = text_diff(&base, &got.copy.text);
                let what = match &got.copy.origin {
                    Origin::File { .. } if got.base.is_some() => "the file on disk",
                    Origin::File { .. } => "nothing (the file is missing or unreadable)",
                    Origin::Sample { .. } => "the sample",
                    Origin::Untitled { .. } => "an empty buffer",
                };
                let Overlay::Recovery(view) = std::mem::replace(&mut self.overlay, Overlay::None)
                else {
                    return vec![];
                };
                self.overlay = Overlay::RecoveryDiff(Box::new(DiffView {
                    key,
                    heading: format!("{}: {what} → the recovery copy", info.title),
                    rows,
                    scroll: 0,
                    back: *view,
                }));
                vec![]
            }
            RecoveryPurpose::Restore => {
                let Overlay::Recovery(view) = std::mem::replace(&mut self.overlay, Overlay::None)
                else {
                    return vec![];
                };
                let rest = RecoveryView {
                    copies: view.copies.into_iter().filter(|c| c.key != key).collect(),
                    selected: 0,
                    ..*view
                };
                let copy = got.copy;
                let mut fx = if copy.origin == self.origin {
                    self.restore_text(key, copy.text);
                    vec![]
                } else {
                    let title = match &copy.origin {
                        Origin::File { path } => super::title_of(path),
                        Origin::Sample { name } => name.clone(),
                        Origin::Untitled { title } => title.clone(),
                    };
                    let loaded = Loaded {
                        title,
                        origin: copy.origin,
                        text: got.base.unwrap_or_default(),
                        saved: got.settings,
                        restore: Some((key, copy.text)),
                        module: None,
                    };
                    self.load_or_ask(loaded)
                };
                // More copies to decide about: the list comes back once this one is open.
                if !rest.copies.is_empty() && matches!(self.overlay, Overlay::None) {
                    self.overlay = Overlay::Recovery(Box::new(rest));
                } else if !rest.copies.is_empty() {
                    self.say(format!(
                        "{} more recovery cop{} — Ctrl-K lists them",
                        rest.copies.len(),
                        if rest.copies.len() == 1 { "y" } else { "ies" }
                    ));
                }
                fx.retain(|e| !matches!(e, Effect::ListRecovery { .. }));
                fx
            }
        }
    }
}

/// "14:03:22" for today's copies is not knowable without a clock here: the time is shown as
/// the UTC clock time and date of the copy.
pub fn copy_time(unix: u64) -> String {
    if unix == 0 {
        return "time unknown".to_string();
    }
    let days = unix / 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {} UTC",
        super::super::ui::fmt_clock(unix)
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's
/// algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A copy's one-line summary for the list.
pub fn describe_copy(c: &CopyInfo) -> String {
    let size = if c.bytes >= 1024 {
        format!("{:.1} KB", c.bytes as f64 / 1024.0)
    } else {
        format!("{} B", c.bytes)
    };
    let change = match (c.first_changed, c.base) {
        (_, crate::tui::recovery::Base::FileMissing) => "the file is gone".to_string(),
        (_, crate::tui::recovery::Base::FileUnreadable) => "the file cannot be read".to_string(),
        (Some(l), _) => format!("first change: line {l}"),
        (None, _) => "same as the file".to_string(),
    };
    let mut s = format!(
        "{} · {size} · {} line{} · {change}",
        copy_time(c.written_unix),
        c.lines,
        if c.lines == 1 { "" } else { "s" }
    );
    if let Some(pid) = c.in_use_by {
        s.push_str(&format!(" · open in a running workbench (pid {pid})"));
    }
    if c.legacy {
        s.push_str(" · from an older version: file unknown");
    }
    text::escape(&s, false).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(copy_time(1_795_264_496), "2026-11-21 12:34:56 UTC");
    }
}
