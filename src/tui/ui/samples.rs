//! The samples browser over the embedded `samples/`: names and verdicts in two columns (a long
//! name is cut with `…`, never its verdict), the selected sample's header beside them.

use super::palette::Palette;
use super::{fit, wrap};
use crate::samples;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Width of the verdict column (`review` is the longest).
const VERDICT_W: usize = 6;

pub(crate) fn render(f: &mut Frame, area: Rect, p: &Palette, selected: usize) {
    let all = samples::workbench();
    let h = (all.len() as u16 + 2).clamp(10, area.height.saturating_sub(2));
    let r = super::centered(area, 110.min(area.width.saturating_sub(4)), h);
    let inner = super::dialog(f, r, " Samples — ↑↓ pick · Enter opens · Esc closes ", p);
    let list_w = (inner.width / 2).min(48) as usize;
    let name_w = list_w.saturating_sub(2 + 1 + VERDICT_W);
    let rows = inner.height as usize;
    // The selection stays in view; the list scrolls only as far as it must.
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
            let shown = fit(s.name.strip_suffix(".js").unwrap_or(s.name), name_w);
            Line::from(vec![
                Span::styled(if i == selected { "▸ " } else { "  " }, p.accent),
                Span::styled(format!("{shown:<name_w$}"), name),
                Span::raw(" "),
                Span::styled(format!("{verdict:<VERDICT_W$}"), style),
            ])
        })
        .collect();
    f.render_widget(
        Paragraph::new(items),
        Rect::new(inner.x, inner.y, list_w as u16, inner.height),
    );
    if let Some(s) = all.get(selected) {
        let dw = inner.width.saturating_sub(list_w as u16 + 1) as usize;
        let mut lines = Vec::new();
        lines.push(Line::from(Span::styled(fit(s.name, dw), p.title)));
        for (k, v) in samples::header(s.source) {
            let style = if k == "sample" { p.title } else { p.dim };
            let text = format!("{k}: {v}");
            for row in wrap(&text, dw, 6) {
                lines.push(Line::from(Span::styled(row, style)));
            }
        }
        let d = Rect::new(
            inner.x + list_w as u16 + 1,
            inner.y,
            dw as u16,
            inner.height,
        );
        f.render_widget(Paragraph::new(lines), d);
    }
}
