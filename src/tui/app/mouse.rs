//! The mouse: the wheel scrolls the pane under it, a click focuses a pane (and places the
//! cursor, picks a finding or a results tab), a drag selects text. Geometry comes from
//! [`crate::tui::layout`], the same functions the drawing uses.

use super::{App, Focus, Overlay};
use crate::tui::action::{Effect, MouseKind};
use crate::tui::buffer::{self, Pos};
use crate::tui::layout;

impl App {
    pub(super) fn on_mouse(&mut self, kind: MouseKind, x: u16, y: u16) -> Vec<Effect> {
        if !matches!(self.overlay, Overlay::None) {
            return vec![];
        }
        let a = layout::areas(layout::screen(self.size));
        let text_area = layout::editor_text(self.size, self.buffer.line_count());
        match kind {
            MouseKind::ScrollUp | MouseKind::ScrollDown => {
                let down = kind == MouseKind::ScrollDown;
                if layout::contains(a.editor, x, y) {
                    let max = self.buffer.line_count().saturating_sub(1);
                    self.view_top = if down {
                        (self.view_top + 3).min(max)
                    } else {
                        self.view_top.saturating_sub(3)
                    };
                    self.scrolled_by_mouse = true;
                } else if layout::contains(a.results, x, y) {
                    self.scroll_results(down, 3);
                } else if layout::contains(a.threats, x, y) {
                    let n = self.findings().len();
                    self.finding_selected = if down {
                        (self.finding_selected + 1).min(n.saturating_sub(1))
                    } else {
                        self.finding_selected.saturating_sub(1)
                    };
                }
            }
            MouseKind::Click | MouseKind::Drag => {
                if layout::contains(text_area, x, y) {
                    let line = self.view_top + (y - text_area.y) as usize;
                    let line = line.min(self.buffer.line_count().saturating_sub(1));
                    let dcol = self.view_left + (x - text_area.x) as usize;
                    let col = buffer::col_from_display(self.buffer.line(line).unwrap_or(""), dcol);
                    if kind == MouseKind::Click {
                        self.buffer.set_cursor(Pos::new(line, col));
                    } else {
                        let anchor =
                            self.buffer
                                .selection()
                                .map_or(self.buffer.cursor(), |(s, e)| {
                                    if s == self.buffer.cursor() {
                                        e
                                    } else {
                                        s
                                    }
                                });
                        self.buffer.select_range(anchor, Pos::new(line, col));
                    }
                    self.focus = Focus::Editor;
                } else if kind == MouseKind::Click && layout::contains(a.threats, x, y) {
                    self.focus = Focus::Threats;
                    let list = layout::findings_list(a.threats);
                    if layout::contains(list, x, y) {
                        let i = (y - list.y) as usize;
                        if i < self.findings().len() {
                            self.finding_selected = i;
                        }
                    }
                } else if kind == MouseKind::Click && layout::contains(a.results, x, y) {
                    self.focus = Focus::Results;
                    if y == a.results.y + 1 {
                        let tabs = self.results_tabs();
                        let labels: Vec<&str> = tabs.iter().map(|(_, l)| l.as_str()).collect();
                        if let Some(i) = layout::tab_at(a.results, &labels, x) {
                            self.results_tab = tabs[i].0;
                            self.results_scroll = 0;
                        }
                    }
                } else if kind == MouseKind::Click && layout::contains(a.editor, x, y) {
                    self.focus = Focus::Editor;
                }
            }
        }
        vec![]
    }
}
