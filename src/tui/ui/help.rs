//! The help overlay: every key, from the keymap's own table.

use super::palette::Palette;
use crate::tui::keymap::BINDINGS;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, p: &Palette) {
    let h = (BINDINGS.len() as u16 + 4).min(area.height.saturating_sub(2));
    let r = super::centered(area, 96.min(area.width.saturating_sub(4)), h);
    let inner = super::dialog(f, r, " Keys — Esc closes ", p);
    let key_w = BINDINGS
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(10)
        + 2;
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k:<key_w$}"), p.accent),
                Span::styled(d.to_string(), p.text),
            ])
        })
        .collect();
    lines.push(Line::from(Span::styled(
        " ● finding (by severity, span underlined) · ✖ confirmed at run time · ⊘ blocked",
        p.dim,
    )));
    f.render_widget(Paragraph::new(lines), inner);
}
