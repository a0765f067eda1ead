//! The samples browser over the embedded `samples/`.

use super::palette::Palette;
use crate::samples;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, p: &Palette, selected: usize) {
    let all = samples::all();
    let h = (all.len() as u16 + 8).clamp(10, area.height.saturating_sub(2));
    let r = super::centered(area, 100.min(area.width.saturating_sub(4)), h);
    let inner = super::dialog(f, r, " Samples — Enter opens · Esc closes ", p);
    let list_w = (inner.width / 2).min(40);
    let rows = inner.height as usize;
    let first = selected.saturating_sub(rows.saturating_sub(1));
    let items: Vec<Line> = all
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, s)| {
            let verdict = samples::header_value(s.source, "expect-verdict").unwrap_or("");
            let style = match verdict {
                "block" => p.error,
                "review" => p.warn,
                _ => p.ok,
            };
            let name = if i == selected {
                p.text.patch(p.selection)
            } else {
                p.text
            };
            Line::from(vec![
                Span::styled(if i == selected { "▸ " } else { "  " }, p.accent),
                Span::styled(s.name.to_string(), name),
                Span::styled(format!(" {verdict}"), style),
            ])
        })
        .collect();
    f.render_widget(
        Paragraph::new(items),
        Rect::new(inner.x, inner.y, list_w, inner.height),
    );
    if let Some(s) = all.get(selected) {
        let mut lines = Vec::new();
        for (k, v) in samples::header(s.source) {
            let style = if k == "sample" { p.title } else { p.dim };
            lines.push(Line::from(vec![
                Span::styled(format!("{k}: "), p.dim),
                Span::styled(v.to_string(), style),
            ]));
        }
        let d = Rect::new(
            inner.x + list_w + 1,
            inner.y,
            inner.width.saturating_sub(list_w + 1),
            inner.height,
        );
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), d);
    }
}
