//! The help overlay: every key, from the keymap's own table. Descriptions wrap under their
//! own column; when the list is longer than the screen, ↑/↓ scroll it and the title says so.

use super::palette::Palette;
use super::{width, wrap};
use crate::tui::keymap::BINDINGS;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const LEGEND: &str =
    "● finding (by severity, span underlined) · ✖ confirmed at run time · ⊘ blocked";

/// The rows of the help text for an inside `w` cells wide.
pub(crate) fn rows(w: usize, p: &Palette) -> Vec<Line<'static>> {
    let key_w = BINDINGS.iter().map(|(k, _)| width(k)).max().unwrap_or(10) + 2;
    // Narrow: the key on its own row, the description indented under it.
    let stacked = w < key_w + 24;
    let mut out = Vec::new();
    for (k, d) in BINDINGS {
        if stacked {
            out.push(Line::from(Span::styled(format!(" {k}"), p.accent)));
            for r in wrap(d, w.saturating_sub(4), 8) {
                out.push(Line::from(Span::styled(format!("    {r}"), p.text)));
            }
            continue;
        }
        let desc_w = w.saturating_sub(key_w + 1);
        for (i, r) in wrap(d, desc_w, 8).into_iter().enumerate() {
            let key = if i == 0 { *k } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!(" {key:<key_w$}"), p.accent),
                Span::styled(r, p.text),
            ]));
        }
    }
    for r in wrap(LEGEND, w.saturating_sub(1), 4) {
        out.push(Line::from(Span::styled(format!(" {r}"), p.dim)));
    }
    out
}

pub(crate) fn render(f: &mut Frame, area: Rect, p: &Palette, scroll: usize) {
    let w = 96.min(area.width.saturating_sub(4));
    let all = rows(w.saturating_sub(2) as usize, p);
    let h = (all.len() as u16 + 2).min(area.height.saturating_sub(2));
    let visible = h.saturating_sub(2) as usize;
    let max_scroll = all.len().saturating_sub(visible);
    let scroll = scroll.min(max_scroll);
    let title = if max_scroll == 0 {
        " Keys — Esc closes ".to_string()
    } else {
        let below = all.len() - visible - scroll;
        format!(" Keys — ↑↓ scroll ({below} more below) · Esc closes ")
    };
    let r = super::centered(area, w, h);
    let inner = super::dialog(f, r, &title, p);
    let lines: Vec<Line> = all.into_iter().skip(scroll).take(visible).collect();
    f.render_widget(Paragraph::new(lines), inner);
}
