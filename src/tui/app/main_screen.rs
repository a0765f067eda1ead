//! The main screen: editing keys, Copy/Cut, panel navigation, tabs, findings and search.

use super::{App, Focus, Overlay, PromptKind, ResultsTab};
use crate::engine::exec::BlockedAttempt;
use crate::tui::action::{Action, Effect};
use crate::tui::buffer::{self, Motion, Pos};

impl App {
    /// Scrolls the results pane `n` rows down (`down`) or up. The console counts its rows
    /// from its end (it follows new lines), the other tabs from their start.
    pub(super) fn scroll_results(&mut self, down: bool, n: usize) {
        self.results_scroll = if down != (self.results_tab == ResultsTab::Console) {
            self.results_scroll.saturating_add(n)
        } else {
            self.results_scroll.saturating_sub(n)
        };
    }

    pub(super) fn on_main(&mut self, action: Action) -> Vec<Effect> {
        if self.refuse_edit(&action) {
            return vec![];
        }
        match action {
            Action::Run => return self.request_run(false),
            Action::Cancel => {
                if let Some(l) = &mut self.live {
                    l.cancelling = true;
                    let run = l.id;
                    self.say("cancelling…");
                    return vec![Effect::CancelRun { run }];
                }
            }
            Action::Escape => {
                self.run_after_scan = false;
                self.buffer.clear_selection();
                self.focus = Focus::Editor;
            }
            Action::Quit => return self.request_quit(),
            Action::ForceQuit => return self.quit_discarding(),
            Action::Save => return self.save(),
            Action::Copy | Action::Cut => {
                let text = if action == Action::Cut {
                    self.buffer.cut()
                } else {
                    self.buffer.selected_text()
                };
                if let Some(t) = text {
                    self.clipboard = t.clone();
                    self.say(format!("copied {} characters", t.chars().count()));
                    return vec![Effect::Clipboard(t)];
                }
            }
            Action::OpenPrompt => {
                self.overlay = Overlay::Prompt {
                    kind: PromptKind::Open,
                    input: String::new(),
                    completions: Vec::new(),
                };
            }
            Action::SearchPrompt => {
                self.overlay = Overlay::Prompt {
                    kind: PromptKind::Search,
                    input: self.search.clone(),
                    completions: Vec::new(),
                };
            }
            Action::SearchNext => self.search_step(true),
            Action::SearchPrev => self.search_step(false),
            Action::ToggleHelp => self.overlay = Overlay::Help { scroll: 0 },
            Action::ShowMessages => {
                self.messages.seen();
                self.overlay = Overlay::Messages {
                    scroll: self.messages.len().saturating_sub(1),
                };
            }
            Action::ShowRecovery => return self.show_recovery(),
            Action::ShowInput => self.open_input_editor(),
            Action::ShowPermissions => self.open_permissions(),
            Action::GrantThis => return self.grant_this(),
            Action::ShowExecutors => {
                self.overlay = Overlay::Executors {
                    row: 0,
                    edit: None,
                    error: None,
                }
            }
            Action::ShowSamples => {
                let n = crate::samples::workbench().len();
                self.overlay = Overlay::Samples {
                    selected: self.samples_selected.min(n.saturating_sub(1)),
                }
            }
            Action::NextTheme => {
                let n = self.theme.set.themes.len().max(1);
                self.theme.index = (self.theme.index + 1) % n;
                let name = self.theme.current().name.clone();
                self.say(format!("theme: {name}"));
                return vec![Effect::SaveState { theme: name }];
            }
            Action::FocusNext => {
                self.focus = match self.focus {
                    Focus::Editor => Focus::Threats,
                    Focus::Threats => Focus::Results,
                    Focus::Results => Focus::Editor,
                }
            }
            Action::FocusPrev => {
                self.focus = match self.focus {
                    Focus::Editor => Focus::Results,
                    Focus::Threats => Focus::Editor,
                    Focus::Results => Focus::Threats,
                }
            }
            Action::NextFinding => {
                let n = self.findings().len();
                if n > 0 {
                    self.finding_selected = (self.finding_selected + 1) % n;
                    self.jump_to_finding(self.finding_selected);
                }
            }
            Action::NextTab => self.switch_tab(1),
            Action::PrevTab => self.switch_tab(-1),
            Action::Up
            | Action::Down
            | Action::Left
            | Action::Right
            | Action::Enter
            | Action::PageUp
            | Action::PageDown => return self.on_panel_nav(action),
            edit => self.on_edit(edit),
        }
        vec![]
    }

    /// Edits of the buffer (Copy and Cut are handled by `on_main`, which also sends the text
    /// to the terminal's clipboard).
    fn on_edit(&mut self, action: Action) {
        let b = &mut self.buffer;
        let refused = match action {
            Action::Insert(s) => !b.insert_str(&s),
            Action::Paste(s) => !b.insert_str(&s),
            Action::PasteInternal => {
                let s = self.clipboard.clone();
                !self.buffer.insert_str(&s)
            }
            Action::Newline => !b.newline(),
            Action::Indent => !b.insert_str("  "),
            Action::Backspace => {
                b.backspace();
                false
            }
            Action::Delete => {
                b.delete();
                false
            }
            Action::Move(m, extend) => {
                b.move_cursor(m, extend);
                false
            }
            Action::SelectAll => {
                b.select_all();
                false
            }
            Action::Undo => {
                if !b.undo() {
                    self.say("nothing to undo");
                }
                false
            }
            Action::Redo => {
                if !b.redo() {
                    self.say("nothing to redo");
                }
                false
            }
            _ => false,
        };
        if refused {
            self.say(format!(
                "the buffer is limited to {} KB",
                buffer::MAX_BUFFER_BYTES / 1024
            ));
        }
        self.focus = Focus::Editor;
    }

    /// Up/Down/Left/Right/Enter in the editor move the cursor; in panels they navigate.
    fn on_panel_nav(&mut self, action: Action) -> Vec<Effect> {
        match self.focus {
            Focus::Editor => {
                let page = self.editor_text_size().1.saturating_sub(1).max(1);
                let m = match action {
                    Action::Up => Motion::Up,
                    Action::Down => Motion::Down,
                    Action::Left => Motion::Left,
                    Action::Right => Motion::Right,
                    Action::PageUp => Motion::PageUp(page),
                    Action::PageDown => Motion::PageDown(page),
                    _ => {
                        self.buffer.newline();
                        return vec![];
                    }
                };
                self.buffer.move_cursor(m, false);
            }
            Focus::Threats => {
                let n = self.findings().len();
                match action {
                    Action::Up => self.finding_selected = self.finding_selected.saturating_sub(1),
                    Action::Down if n > 0 => {
                        self.finding_selected = (self.finding_selected + 1).min(n - 1)
                    }
                    Action::Enter => self.jump_to_finding(self.finding_selected),
                    _ => {}
                }
            }
            Focus::Results => match action {
                Action::Left => self.switch_tab(-1),
                Action::Right => self.switch_tab(1),
                Action::Up if self.results_tab == ResultsTab::Blocked => {
                    self.blocked_selected = self.blocked_selected.saturating_sub(1)
                }
                Action::Down if self.results_tab == ResultsTab::Blocked => {
                    let n = self.blocked_list().len();
                    self.blocked_selected = (self.blocked_selected + 1).min(n.saturating_sub(1));
                }
                Action::Up | Action::PageUp | Action::Down | Action::PageDown => {
                    let n = if matches!(action, Action::Up | Action::Down) {
                        1
                    } else {
                        10
                    };
                    self.scroll_results(matches!(action, Action::Down | Action::PageDown), n)
                }
                Action::Enter if self.results_tab == ResultsTab::Blocked => {
                    let line = self
                        .blocked_list()
                        .get(self.blocked_selected)
                        .and_then(|b| b.line);
                    if let Some(line) = line {
                        self.buffer
                            .set_cursor(Pos::new(line.saturating_sub(1) as usize, 0));
                        self.focus = Focus::Editor;
                    }
                }
                _ => {}
            },
        }
        vec![]
    }

    /// The blocked attempts of this buffer's run shown: the live one's, or the last one's.
    pub fn blocked_list(&self) -> &[BlockedAttempt] {
        match (self.live_here(), &self.runs.last) {
            (Some(l), _) => &l.blocked,
            (None, Some(f)) => &f.outcome.blocked,
            _ => &[],
        }
    }

    fn switch_tab(&mut self, step: isize) {
        let n = ResultsTab::ALL.len() as isize;
        let i = (self.results_tab.index() as isize + step).rem_euclid(n);
        self.results_tab = ResultsTab::ALL[i as usize];
        self.results_scroll = 0;
    }

    /// Moves the cursor to finding `i` and selects its span.
    pub fn jump_to_finding(&mut self, i: usize) {
        let Some(f) = self.findings().get(i).cloned() else {
            return;
        };
        let s = Pos::new(
            f.line.saturating_sub(1) as usize,
            f.column.saturating_sub(1) as usize,
        );
        let e = Pos::new(
            f.end_line.saturating_sub(1) as usize,
            f.end_column.saturating_sub(1) as usize,
        );
        self.buffer.set_cursor(s);
        if e > s {
            // Select the span, cursor left at its start so it stays in view.
            self.buffer.select_range(e, s);
        }
        self.finding_selected = i;
        self.focus = Focus::Editor;
    }

    pub(super) fn search_step(&mut self, forward: bool) {
        if self.search.is_empty() {
            self.overlay = Overlay::Prompt {
                kind: PromptKind::Search,
                input: String::new(),
                completions: Vec::new(),
            };
            return;
        }
        let from = self.buffer.cursor();
        match self.buffer.find(&self.search, from, forward) {
            Some((s, e)) => {
                self.buffer.set_cursor(s);
                self.buffer.select_range(e, s);
            }
            None => {
                let q = self.search.clone();
                self.say(format!("not found: {q}"));
            }
        }
    }

    /// The results pane's tabs with their labels as drawn (counts where there are any): the
    /// full names when they fit the pane, else short ones.
    pub fn results_tabs(&self) -> Vec<(ResultsTab, String)> {
        let count = |t: ResultsTab| -> Option<usize> {
            match t {
                ResultsTab::Console => Some(match (self.live_here(), &self.runs.last) {
                    (Some(l), _) => l.console.len(),
                    (None, Some(f)) => f.outcome.console.len(),
                    _ => 0,
                }),
                ResultsTab::Blocked => Some(self.blocked_list().len()),
                ResultsTab::History => Some(match &self.audit {
                    Some(Ok(v)) => v.runs.len(),
                    _ => self.runs.history.len(),
                }),
                _ => None,
            }
        };
        let labels = |short: bool| -> Vec<(ResultsTab, String)> {
            ResultsTab::ALL
                .iter()
                .map(|t| {
                    let name = if short { t.short() } else { t.title() };
                    let label = match count(*t) {
                        Some(n) if n > 0 => format!("{name} {n}"),
                        _ => name.to_string(),
                    };
                    (*t, label)
                })
                .collect()
        };
        let full = labels(false);
        let room = crate::tui::layout::inner(
            crate::tui::layout::areas(crate::tui::layout::screen(self.size)).results,
        )
        .width as usize;
        let width: usize = full.iter().map(|(_, l)| l.chars().count() + 1).sum();
        if width <= room {
            full
        } else {
            labels(true)
        }
    }
}
