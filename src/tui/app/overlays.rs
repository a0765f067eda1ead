//! Overlays: help, the run / quit / discard / overwrite dialogs, recovery, the samples
//! browser, prompts (open, save as, search), the executor selector with its limit fields, the
//! `input` editor and the messages view.

use super::files::{expand_home, Loaded};
use super::{App, Overlay, PromptKind, RunQuestion};
use crate::engine::policy::{self, Limits, Profile};
use crate::tui::action::{Action, Effect};
use crate::tui::buffer::Buffer;
use crate::tui::recovery::Origin;
use crate::tui::settings::{InputProblem, RunInput};

/// The JSON `input` editor: a small buffer, checked on every keystroke.
#[derive(Debug, Clone)]
pub struct InputEditor {
    pub buffer: Buffer,
    /// What the buffer's `input` was when the editor opened (Esc goes back to it).
    pub original: String,
    /// `Ok(None)`: empty, no `input`; `Ok(Some)`: valid; `Err`: what is wrong and where.
    pub check: Result<Option<RunInput>, InputProblem>,
    pub view_top: usize,
}

impl PartialEq for InputEditor {
    fn eq(&self, other: &Self) -> bool {
        self.buffer.text() == other.buffer.text() && self.original == other.original
    }
}

impl InputEditor {
    fn new(text: &str) -> Self {
        InputEditor {
            buffer: Buffer::from_text(text),
            original: text.to_string(),
            check: RunInput::parse(text),
            view_top: 0,
        }
    }

    /// Rows of text the editor shows on a screen `size` large (see `ui/input.rs`).
    pub fn rows(size: (u16, u16)) -> usize {
        (size.1 as usize).saturating_sub(10).clamp(3, 30)
    }
}

impl App {
    pub(super) fn on_overlay(&mut self, action: Action) -> Vec<Effect> {
        let overlay = std::mem::replace(&mut self.overlay, Overlay::None);
        let (next, fx) = match overlay {
            Overlay::None => (Overlay::None, vec![]),
            Overlay::Help { scroll } => match action {
                Action::Escape | Action::ToggleHelp | Action::Enter | Action::Cancel => {
                    (Overlay::None, vec![])
                }
                Action::Up => (
                    Overlay::Help {
                        scroll: scroll.saturating_sub(1),
                    },
                    vec![],
                ),
                Action::Down => (
                    Overlay::Help {
                        scroll: (scroll + 1).min(crate::tui::keymap::BINDINGS.len()),
                    },
                    vec![],
                ),
                Action::Quit => (Overlay::None, self.request_quit()),
                _ => (Overlay::Help { scroll }, vec![]),
            },
            Overlay::Messages { scroll } => {
                let n = self.messages.len();
                match action {
                    Action::Up => (
                        Overlay::Messages {
                            scroll: scroll.saturating_sub(1),
                        },
                        vec![],
                    ),
                    Action::Down => (
                        Overlay::Messages {
                            scroll: (scroll + 1).min(n.saturating_sub(1)),
                        },
                        vec![],
                    ),
                    Action::Quit => (Overlay::None, self.request_quit()),
                    a if is_dismiss(&a) || a == Action::Enter || a == Action::ShowMessages => {
                        (Overlay::None, vec![])
                    }
                    _ => (Overlay::Messages { scroll }, vec![]),
                }
            }
            Overlay::ConfirmBlock | Overlay::ConfirmRun(_) => match action {
                Action::ConfirmRun | Action::Enter | Action::Answer('y') | Action::Answer('r') => {
                    (Overlay::None, self.request_run(true))
                }
                _ if is_dismiss(&action) => (Overlay::None, vec![]),
                _ => (overlay_again(&action, self), vec![]),
            },
            Overlay::ConfirmQuit => match action {
                Action::Answer('q') | Action::Answer('y') | Action::ForceQuit => {
                    (Overlay::None, self.quit_discarding())
                }
                Action::Answer('k') => (Overlay::None, self.quit_keeping()),
                Action::Answer('s') | Action::Save => {
                    self.quit_after_save = true;
                    let fx = self.save();
                    if matches!(self.overlay, Overlay::Prompt { .. }) {
                        (self.overlay.clone(), fx)
                    } else {
                        (Overlay::None, fx)
                    }
                }
                _ if is_dismiss(&action) => (Overlay::None, vec![]),
                _ => (Overlay::ConfirmQuit, vec![]),
            },
            Overlay::ConfirmDiscard(loaded) => match action {
                Action::Answer('y') | Action::Answer('o') | Action::Enter => {
                    (Overlay::None, self.load(*loaded))
                }
                _ if is_dismiss(&action) => (Overlay::None, vec![]),
                _ => (Overlay::ConfirmDiscard(loaded), vec![]),
            },
            Overlay::ConfirmOverwrite { path } => match action {
                Action::Answer('y') | Action::Answer('r') => (
                    Overlay::None,
                    vec![Effect::WriteFile {
                        path,
                        text: self.buffer.text(),
                        overwrite: true,
                    }],
                ),
                _ if is_dismiss(&action) => {
                    self.quit_after_save = false;
                    self.say("not saved: the file was left as it is");
                    (Overlay::None, vec![])
                }
                _ => (Overlay::ConfirmOverwrite { path }, vec![]),
            },
            Overlay::Recovery(v) => self.on_recovery_key(v, action),
            Overlay::RecoveryDiff(d) => self.on_recovery_diff_key(d, action),
            Overlay::Input(ed) => self.on_input_key(ed, action),
            Overlay::Permissions(panel) => self.on_permissions_key(panel, action),
            Overlay::ConfirmGrant { grant } => self.on_confirm_grant(grant, action),
            Overlay::Samples { selected } => self.on_samples_key(selected, action),
            Overlay::Prompt {
                kind,
                input,
                completions,
            } => self.on_prompt(kind, input, completions, action),
            Overlay::Executors { row, edit, error } => self.on_executors(row, edit, error, action),
        };
        if matches!(self.overlay, Overlay::None) {
            self.overlay = next;
        }
        fx
    }

    fn on_samples_key(&mut self, selected: usize, action: Action) -> (Overlay, Vec<Effect>) {
        let all = crate::samples::workbench();
        let n = all.len();
        let selected = selected.min(n.saturating_sub(1));
        let stay = |s: usize| Overlay::Samples { selected: s };
        let next = match action {
            Action::Up => selected.saturating_sub(1),
            Action::Down => (selected + 1).min(n.saturating_sub(1)),
            Action::PageUp => selected.saturating_sub(10),
            Action::PageDown => (selected + 10).min(n.saturating_sub(1)),
            Action::Enter => {
                self.samples_selected = selected;
                let Some(s) = all.get(selected) else {
                    return (Overlay::None, vec![]);
                };
                let loaded = Loaded {
                    title: s.name.to_string(),
                    origin: Origin::Sample {
                        name: s.name.to_string(),
                    },
                    text: s.source.to_string(),
                    saved: None,
                    restore: None,
                    module: None,
                };
                let fx = self.load_or_ask(loaded);
                return (std::mem::replace(&mut self.overlay, Overlay::None), fx);
            }
            a if is_dismiss(&a) => {
                self.samples_selected = selected;
                return (Overlay::None, vec![]);
            }
            _ => selected,
        };
        self.samples_selected = next;
        (stay(next), vec![])
    }

    /// A key in a prompt: typing edits the input (bounded, no control characters), Tab asks
    /// for path completions, Enter submits; in the search prompt ↑/↓ find the previous / next
    /// match without closing it.
    fn on_prompt(
        &mut self,
        kind: PromptKind,
        mut input: String,
        mut completions: Vec<String>,
        action: Action,
    ) -> (Overlay, Vec<Effect>) {
        let mut fx = vec![];
        match action {
            Action::PromptChar(c) | Action::Answer(c) => {
                if input.chars().count() < 4096 {
                    input.push(c);
                }
                completions.clear();
            }
            Action::Insert(s) | Action::Paste(s) => {
                input.extend(s.chars().filter(|c| !c.is_control()).take(4096));
            }
            Action::PromptBackspace | Action::Backspace => {
                input.pop();
                completions.clear();
            }
            Action::PromptComplete if kind != PromptKind::Search => {
                fx.push(Effect::Complete {
                    input: input.clone(),
                });
            }
            // (With nothing typed yet these keys do nothing: no arm below takes them.)
            Action::Up | Action::Down | Action::SearchPrev | Action::SearchNext
                if kind == PromptKind::Search && !input.is_empty() =>
            {
                self.search = input.clone();
                let forward = matches!(action, Action::Down | Action::SearchNext);
                self.search_step(forward);
            }
            Action::Enter | Action::Newline => return self.submit_prompt(kind, input),
            _ if is_dismiss(&action) => {
                self.quit_after_save = false;
                return (Overlay::None, vec![]);
            }
            _ => {}
        }
        let prompt = Overlay::Prompt {
            kind,
            input,
            completions,
        };
        (prompt, fx)
    }

    fn submit_prompt(&mut self, kind: PromptKind, input: String) -> (Overlay, Vec<Effect>) {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return (Overlay::None, vec![]);
        }
        let path = expand_home(trimmed);
        match kind {
            PromptKind::Open => (Overlay::None, vec![Effect::ReadFile { path }]),
            PromptKind::SaveAs => (Overlay::None, self.save_as(path)),
            PromptKind::Search => {
                self.search = input;
                self.search_step(true);
                (Overlay::None, vec![])
            }
        }
    }

    /// F4: the `input` editor, on the buffer's current `input`.
    pub(super) fn open_input_editor(&mut self) {
        let text = self
            .settings
            .input
            .as_ref()
            .map_or("", |i| i.text.as_str())
            .to_string();
        self.overlay = Overlay::Input(Box::new(InputEditor::new(&text)));
    }

    /// Keys in the `input` editor: editing, Ctrl-S applies (only valid JSON, or nothing), Esc
    /// leaves the buffer's `input` as it was.
    fn on_input_key(&mut self, mut ed: Box<InputEditor>, action: Action) -> (Overlay, Vec<Effect>) {
        let b = &mut ed.buffer;
        let edited = match action {
            Action::Save | Action::ShowInput => {
                return match ed.check.clone() {
                    Ok(input) => {
                        let what = input.as_ref().map_or("none".to_string(), |i| i.summary());
                        self.settings.input = input;
                        self.say(format!("input set: {what}"));
                        (Overlay::None, self.settings_changed())
                    }
                    Err(p) => {
                        self.warn(format!("input not set: {p}"));
                        (Overlay::Input(ed), vec![])
                    }
                };
            }
            Action::Escape | Action::Cancel => {
                if ed.buffer.text() != ed.original {
                    self.say("input editor closed: the input is unchanged");
                }
                return (Overlay::None, vec![]);
            }
            Action::Quit => return (Overlay::None, self.request_quit()),
            Action::Insert(s) | Action::Paste(s) => b.insert_str(&s),
            Action::PromptChar(c) | Action::Answer(c) => b.insert_str(&c.to_string()),
            Action::Newline | Action::Enter => b.newline(),
            Action::Indent => b.insert_str("  "),
            Action::Backspace | Action::PromptBackspace => b.backspace(),
            Action::Delete => b.delete(),
            Action::Undo => b.undo(),
            Action::Redo => b.redo(),
            Action::SelectAll => {
                b.select_all();
                false
            }
            Action::Move(m, extend) => {
                b.move_cursor(m, extend);
                false
            }
            _ => false,
        };
        if edited {
            ed.check = RunInput::parse(&ed.buffer.text());
        }
        let rows = InputEditor::rows(self.size);
        let line = ed.buffer.cursor().line;
        if line < ed.view_top {
            ed.view_top = line;
        } else if line >= ed.view_top + rows {
            ed.view_top = line + 1 - rows;
        }
        (Overlay::Input(ed), vec![])
    }

    /// Rows of the executor selector: `auto`, each executor, the limit fields, `input`.
    pub fn executor_rows(&self) -> usize {
        1 + self.executors.len() + LimitField::ALL.len()
    }

    fn on_executors(
        &mut self,
        row: usize,
        edit: Option<String>,
        error: Option<String>,
        action: Action,
    ) -> (Overlay, Vec<Effect>) {
        let rows = self.executor_rows();
        let n_exec = 1 + self.executors.len();
        let field = row
            .checked_sub(n_exec)
            .and_then(|i| LimitField::ALL.get(i))
            .copied();
        let stay = |row, edit, error| Overlay::Executors { row, edit, error };
        let up = matches!(action_dir(&action), Some(true));
        let numeric = field.is_some_and(|f| !matches!(f, LimitField::Profile | LimitField::Input));
        match (action, edit) {
            (Action::PromptChar(c) | Action::Answer(c), edit) if c.is_ascii_digit() => {
                if numeric {
                    let mut e = edit.unwrap_or_default();
                    if e.len() < 9 {
                        e.push(c);
                    }
                    (stay(row, Some(e), None), vec![])
                } else {
                    (stay(row, None, error), vec![])
                }
            }
            (Action::PromptBackspace | Action::Backspace, Some(mut e)) => {
                e.pop();
                (stay(row, Some(e), None), vec![])
            }
            (Action::Enter | Action::Newline, Some(e)) => match field {
                Some(f) => match e.parse::<u64>() {
                    Ok(v) => match self.set_limit(f, v) {
                        Ok(()) => (stay(row, None, None), self.settings_changed()),
                        Err(msg) => (stay(row, None, Some(msg)), vec![]),
                    },
                    Err(_) => (stay(row, None, Some("enter a number".into())), vec![]),
                },
                None => (stay(row, None, None), vec![]),
            },
            (Action::Escape | Action::Cancel, Some(_)) => (stay(row, None, None), vec![]),
            (Action::Up, _) => (stay(row.saturating_sub(1), None, None), vec![]),
            (Action::Down, _) => (stay((row + 1).min(rows - 1), None, None), vec![]),
            (Action::Left | Action::Right, _) => match field {
                Some(LimitField::Input) | None => (stay(row, None, None), vec![]),
                Some(f) => match self.step_limit(f, up) {
                    Ok(()) => (stay(row, None, None), self.settings_changed()),
                    Err(msg) => (stay(row, None, Some(msg)), vec![]),
                },
            },
            (Action::Enter | Action::Newline, None) => {
                if row == 0 {
                    self.settings.executor = "auto".to_string();
                    self.say(format!("executor: auto ({})", self.auto_here()));
                    (stay(row, None, None), self.settings_changed())
                } else if let Some(info) = self.executors.get(row - 1).cloned() {
                    let here = self.runs_here(&info);
                    if let (true, Err(why)) = (info.available, here) {
                        let msg = format!("{} cannot run this buffer: {why}", info.name);
                        (stay(row, None, Some(msg)), vec![])
                    } else if info.available {
                        self.settings.executor = info.name.clone();
                        let msg = match &info.warning {
                            Some(w) => format!("executor: {} — {w}", info.name),
                            None => format!("executor: {}", info.name),
                        };
                        self.say(msg);
                        (stay(row, None, None), self.settings_changed())
                    } else {
                        let msg = format!("{} is not available: {}", info.name, info.reason);
                        (stay(row, None, Some(msg)), vec![])
                    }
                } else if field == Some(LimitField::Profile) {
                    self.settings.profile = match self.settings.profile {
                        Profile::Strict => Profile::Lab,
                        Profile::Lab => Profile::Strict,
                    };
                    (stay(row, None, None), self.settings_changed())
                } else if field == Some(LimitField::Input) {
                    self.open_input_editor();
                    (std::mem::replace(&mut self.overlay, Overlay::None), vec![])
                } else {
                    (stay(row, Some(String::new()), None), vec![])
                }
            }
            (a, _) if is_dismiss(&a) || a == Action::ShowExecutors => (Overlay::None, vec![]),
            (_, edit) => (stay(row, edit, error), vec![]),
        }
    }

    fn set_limit(&mut self, f: LimitField, v: u64) -> Result<(), String> {
        let mut l = self.settings.limits;
        match f {
            LimitField::Timeout => {
                l.timeout_ms = v;
                l.wall_timeout_ms = l
                    .wall_timeout_ms
                    .max(v.saturating_mul(policy::WALL_TIMEOUT_FACTOR))
                    .min(policy::MAX_WALL_TIMEOUT_MS)
                    .max(v);
            }
            LimitField::WallTimeout => l.wall_timeout_ms = v,
            LimitField::Memory => l.memory_mb = v,
            LimitField::Stack => l.stack_kb = v,
            LimitField::Profile | LimitField::Input => return Ok(()),
        }
        l.validate().map_err(|e| e.to_string())?;
        self.settings.limits = l;
        Ok(())
    }

    fn step_limit(&mut self, f: LimitField, up: bool) -> Result<(), String> {
        let (cur, step) = match f {
            LimitField::Timeout => (self.settings.limits.timeout_ms, 500),
            LimitField::WallTimeout => (self.settings.limits.wall_timeout_ms, 1000),
            LimitField::Memory => (self.settings.limits.memory_mb, 16),
            LimitField::Stack => (self.settings.limits.stack_kb, 64),
            LimitField::Input => return Ok(()),
            LimitField::Profile => {
                self.settings.profile = match self.settings.profile {
                    Profile::Strict => Profile::Lab,
                    Profile::Lab => Profile::Strict,
                };
                return Ok(());
            }
        };
        let v = if up {
            cur.saturating_add(step)
        } else {
            cur.saturating_sub(step)
        };
        self.set_limit(f, v)
    }
}

/// The run question stays open on keys that do not answer it.
fn overlay_again(_action: &Action, app: &App) -> Overlay {
    match app.scan_failed.as_ref() {
        Some((_, why)) if app.scan_failed_now() => {
            Overlay::ConfirmRun(RunQuestion::ScanFailed(why.clone()))
        }
        _ => Overlay::ConfirmBlock,
    }
}

fn action_dir(a: &Action) -> Option<bool> {
    match a {
        Action::Right => Some(true),
        Action::Left => Some(false),
        _ => None,
    }
}

fn is_dismiss(a: &Action) -> bool {
    matches!(
        a,
        Action::Escape | Action::Cancel | Action::Answer('n') | Action::Quit
    )
}

/// The fields of the executor selector below the executors, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitField {
    Timeout,
    WallTimeout,
    Memory,
    Stack,
    Profile,
    Input,
}

impl LimitField {
    pub const ALL: [LimitField; 6] = [
        LimitField::Timeout,
        LimitField::WallTimeout,
        LimitField::Memory,
        LimitField::Stack,
        LimitField::Profile,
        LimitField::Input,
    ];
    pub fn label(self) -> &'static str {
        match self {
            LimitField::Timeout => "CPU timeout",
            LimitField::WallTimeout => "wall timeout",
            LimitField::Memory => "memory (heap)",
            LimitField::Stack => "stack",
            LimitField::Profile => "profile",
            LimitField::Input => "input",
        }
    }
    pub fn value(self, l: &Limits, p: Profile, input: Option<&RunInput>) -> String {
        match self {
            LimitField::Timeout => format!("{} ms", l.timeout_ms),
            LimitField::WallTimeout => format!("{} ms", l.wall_timeout_ms),
            LimitField::Memory => format!("{} MB", l.memory_mb),
            LimitField::Stack => format!("{} KB", l.stack_kb),
            LimitField::Profile => p.as_str().to_string(),
            LimitField::Input => input.map_or("none".to_string(), |i| i.summary()),
        }
    }
    pub fn bounds(self) -> String {
        match self {
            LimitField::Timeout => {
                format!("{}–{} ms", policy::MIN_TIMEOUT_MS, policy::MAX_TIMEOUT_MS)
            }
            LimitField::WallTimeout => {
                format!("≥ CPU, ≤ {} ms", policy::MAX_WALL_TIMEOUT_MS)
            }
            LimitField::Memory => format!("{}–{} MB", policy::MIN_MEMORY_MB, policy::MAX_MEMORY_MB),
            LimitField::Stack => format!("{}–{} KB", policy::MIN_STACK_KB, policy::MAX_STACK_KB),
            LimitField::Profile => "strict | lab".to_string(),
            LimitField::Input => "JSON · Enter or F4 edits".to_string(),
        }
    }
}
