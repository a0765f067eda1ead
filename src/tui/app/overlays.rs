//! Overlays: help, the block and unsaved-changes dialogs, recovery, the samples browser,
//! prompts (open, save as, search) and the executor selector with its limit fields.

use super::files::expand_home;
use super::{App, Loaded, Overlay, PromptKind};
use crate::engine::policy::{self, Limits, Profile};
use crate::tui::action::{Action, Effect};
use crate::tui::buffer::Pos;

impl App {
    pub(super) fn on_overlay(&mut self, action: Action) -> Vec<Effect> {
        let overlay = std::mem::replace(&mut self.overlay, Overlay::None);
        let (next, fx) = match overlay {
            Overlay::None => (Overlay::None, vec![]),
            Overlay::Help => match action {
                Action::Escape | Action::ToggleHelp | Action::Enter | Action::Cancel => {
                    (Overlay::None, vec![])
                }
                Action::Quit => (Overlay::None, self.request_quit()),
                _ => (Overlay::Help, vec![]),
            },
            Overlay::ConfirmBlock => match action {
                Action::ConfirmRun | Action::Enter | Action::Answer('y') | Action::Answer('r') => {
                    (Overlay::None, self.request_run(true))
                }
                _ if is_dismiss(&action) => (Overlay::None, vec![]),
                _ => (Overlay::ConfirmBlock, vec![]),
            },
            Overlay::ConfirmQuit => match action {
                Action::Answer('q') | Action::Answer('y') | Action::ForceQuit => {
                    (Overlay::None, self.on_main(Action::ForceQuit))
                }
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
                Action::Answer('y') | Action::Answer('d') | Action::Enter => {
                    (Overlay::None, self.load(*loaded))
                }
                _ if is_dismiss(&action) => (Overlay::None, vec![]),
                _ => (Overlay::ConfirmDiscard(loaded), vec![]),
            },
            Overlay::Recovery { text } => match action {
                Action::Answer('r') | Action::Answer('y') | Action::Enter => {
                    self.buffer.select_all();
                    self.buffer.insert_str(&text);
                    self.buffer.set_cursor(Pos::default());
                    self.say("recovered unsaved changes from the last session");
                    (Overlay::None, vec![])
                }
                Action::Answer('d') | Action::Answer('n') => (
                    Overlay::None,
                    vec![Effect::DeleteRecovery {
                        key: self.recovery_key(),
                    }],
                ),
                _ => (Overlay::Recovery { text }, vec![]),
            },
            Overlay::Samples { selected } => {
                let n = crate::samples::all().len();
                match action {
                    Action::Up => (
                        Overlay::Samples {
                            selected: selected.saturating_sub(1),
                        },
                        vec![],
                    ),
                    Action::Down => (
                        Overlay::Samples {
                            selected: (selected + 1).min(n.saturating_sub(1)),
                        },
                        vec![],
                    ),
                    Action::Enter => match crate::samples::all().get(selected) {
                        Some(s) => {
                            let options = sample_options(s.source);
                            let loaded = Loaded {
                                title: s.name.to_string(),
                                path: None,
                                text: s.source.to_string(),
                                options,
                            };
                            let fx = self.load_or_ask(loaded);
                            (std::mem::replace(&mut self.overlay, Overlay::None), fx)
                        }
                        None => (Overlay::None, vec![]),
                    },
                    _ if is_dismiss(&action) => (Overlay::None, vec![]),
                    _ => (Overlay::Samples { selected }, vec![]),
                }
            }
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

    /// A key in a prompt: typing edits the input (bounded, no control characters), Tab asks
    /// for path completions, Enter submits.
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
            PromptKind::SaveAs => (
                Overlay::None,
                vec![Effect::WriteFile {
                    path,
                    text: self.buffer.text(),
                }],
            ),
            PromptKind::Search => {
                self.search = input;
                self.search_step(true);
                (Overlay::None, vec![])
            }
        }
    }

    /// Rows of the executor selector: `auto`, each executor, then the limit fields.
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
        match (action, edit) {
            (Action::PromptChar(c) | Action::Answer(c), edit) if c.is_ascii_digit() => {
                match field {
                    Some(f) if f != LimitField::Profile => {
                        let mut e = edit.unwrap_or_default();
                        if e.len() < 9 {
                            e.push(c);
                        }
                        (stay(row, Some(e), None), vec![])
                    }
                    _ => (stay(row, None, error), vec![]),
                }
            }
            (Action::PromptBackspace | Action::Backspace, Some(mut e)) => {
                e.pop();
                (stay(row, Some(e), None), vec![])
            }
            (Action::Enter | Action::Newline, Some(e)) => match field {
                Some(f) => match e.parse::<u64>() {
                    Ok(v) => match self.set_limit(f, v) {
                        Ok(()) => (stay(row, None, None), vec![]),
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
                Some(f) => match self.step_limit(f, up) {
                    Ok(()) => (stay(row, None, None), vec![]),
                    Err(msg) => (stay(row, None, Some(msg)), vec![]),
                },
                None => (stay(row, None, None), vec![]),
            },
            (Action::Enter | Action::Newline, None) => {
                if row == 0 {
                    self.executor = "auto".to_string();
                    self.say(format!("executor: auto ({})", self.auto_name));
                    (stay(row, None, None), vec![])
                } else if let Some(info) = self.executors.get(row - 1) {
                    if info.available {
                        self.executor = info.name.clone();
                        let msg = match &info.warning {
                            Some(w) => format!("executor: {} — {w}", info.name),
                            None => format!("executor: {}", info.name),
                        };
                        self.say(msg);
                        (stay(row, None, None), vec![])
                    } else {
                        let msg = format!("{} is not available: {}", info.name, info.reason);
                        (stay(row, None, Some(msg)), vec![])
                    }
                } else if field == Some(LimitField::Profile) {
                    self.profile = match self.profile {
                        Profile::Strict => Profile::Lab,
                        Profile::Lab => Profile::Strict,
                    };
                    (stay(row, None, None), vec![])
                } else {
                    (stay(row, Some(String::new()), None), vec![])
                }
            }
            (a, _) if is_dismiss(&a) || a == Action::ShowExecutors => (Overlay::None, vec![]),
            (_, edit) => (stay(row, edit, error), vec![]),
        }
    }

    fn set_limit(&mut self, f: LimitField, v: u64) -> Result<(), String> {
        let mut l = self.limits;
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
            LimitField::Profile => return Ok(()),
        }
        l.validate().map_err(|e| e.to_string())?;
        self.limits = l;
        Ok(())
    }

    fn step_limit(&mut self, f: LimitField, up: bool) -> Result<(), String> {
        let (cur, step) = match f {
            LimitField::Timeout => (self.limits.timeout_ms, 500),
            LimitField::WallTimeout => (self.limits.wall_timeout_ms, 1000),
            LimitField::Memory => (self.limits.memory_mb, 16),
            LimitField::Stack => (self.limits.stack_kb, 64),
            LimitField::Profile => {
                self.profile = match self.profile {
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

/// The limit fields of the executor selector, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitField {
    Timeout,
    WallTimeout,
    Memory,
    Stack,
    Profile,
}

impl LimitField {
    pub const ALL: [LimitField; 5] = [
        LimitField::Timeout,
        LimitField::WallTimeout,
        LimitField::Memory,
        LimitField::Stack,
        LimitField::Profile,
    ];
    pub fn label(self) -> &'static str {
        match self {
            LimitField::Timeout => "CPU timeout",
            LimitField::WallTimeout => "wall timeout",
            LimitField::Memory => "memory",
            LimitField::Stack => "stack",
            LimitField::Profile => "profile",
        }
    }
    pub fn value(self, l: &Limits, p: Profile) -> String {
        match self {
            LimitField::Timeout => format!("{} ms", l.timeout_ms),
            LimitField::WallTimeout => format!("{} ms", l.wall_timeout_ms),
            LimitField::Memory => format!("{} MB", l.memory_mb),
            LimitField::Stack => format!("{} KB", l.stack_kb),
            LimitField::Profile => p.as_str().to_string(),
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
        }
    }
}

/// Limits and profile from a sample's `run-options` header (`--profile lab --timeout 200`).
pub fn sample_options(source: &str) -> Option<(Limits, Profile)> {
    let opts = crate::samples::header_value(source, "run-options")?;
    let mut limits = Limits::default();
    let mut profile = Profile::default();
    let mut words = opts.split_whitespace();
    while let Some(w) = words.next() {
        let val = words.next();
        let num = val.and_then(|v| v.parse::<u64>().ok());
        match (w, num) {
            ("--profile", _) => profile = val?.parse().ok()?,
            ("--timeout", Some(n)) => {
                limits = Limits {
                    ..Limits::with_timeout(n)
                }
            }
            ("--wall-timeout", Some(n)) => limits.wall_timeout_ms = n,
            ("--memory", Some(n)) => limits.memory_mb = n,
            ("--stack", Some(n)) => limits.stack_kb = n,
            _ => {}
        }
    }
    limits.validate().ok()?;
    Some((limits, profile))
}
