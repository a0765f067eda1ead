//! The executor selector: every executor with availability and reason, `auto` marked,
//! warnings for weaker ones; limits editable in place within the policy bounds.

use super::palette::Palette;
use crate::tui::app::{App, LimitField};
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(
    app: &App,
    f: &mut Frame,
    area: Rect,
    p: &Palette,
    row: usize,
    edit: Option<&str>,
    error: Option<&str>,
) {
    let h = (app.executors.len() as u16 * 2 + 14).min(area.height.saturating_sub(2));
    let r = super::centered(area, 100.min(area.width.saturating_sub(4)), h);
    let inner = super::dialog(
        f,
        r,
        " Executor and limits — Enter choose · ←/→ adjust · Esc close ",
        p,
    );
    let mut lines: Vec<Line> = Vec::new();
    let cursor = |i: usize| if i == row { "▸ " } else { "  " };
    let sel = |i: usize, s: ratatui::style::Style| if i == row { s.patch(p.selection) } else { s };
    let chosen = |name: &str| app.executor == name;
    lines.push(Line::from(vec![
        Span::styled(cursor(0), p.accent),
        Span::styled(if chosen("auto") { "(•) " } else { "( ) " }, p.accent),
        Span::styled("auto", sel(0, p.title)),
        Span::styled(
            format!("  → {} (the strongest available)", app.auto_name),
            p.dim,
        ),
    ]));
    for (i, e) in app.executors.iter().enumerate() {
        let idx = i + 1;
        let avail = if e.available {
            Span::styled("available", p.ok)
        } else {
            Span::styled("unavailable", p.error)
        };
        let auto = if e.name == app.auto_name {
            "  ← auto"
        } else {
            ""
        };
        lines.push(Line::from(vec![
            Span::styled(cursor(idx), p.accent),
            Span::styled(if chosen(&e.name) { "(•) " } else { "( ) " }, p.accent),
            Span::styled(
                format!("{:<18}", e.name),
                sel(idx, p.text.add_modifier(Modifier::BOLD)),
            ),
            avail,
            Span::styled(format!("  strength {}", e.strength), p.dim),
            Span::styled(auto, p.accent),
        ]));
        let mut detail = vec![Span::raw("      "), Span::styled(e.reason.clone(), p.dim)];
        if let Some(w) = &e.warning {
            detail.push(Span::styled(format!("  ⚠ {w}"), p.warn));
        }
        lines.push(Line::from(detail));
    }
    lines.push(Line::from(Span::styled("  Limits", p.title)));
    let base = 1 + app.executors.len();
    for (i, field) in LimitField::ALL.iter().enumerate() {
        let idx = base + i;
        let value = match edit {
            Some(e) if idx == row => format!("{e}▏"),
            _ => field.value(&app.limits, app.profile),
        };
        lines.push(Line::from(vec![
            Span::styled(cursor(idx), p.accent),
            Span::styled(format!("{:<14}", field.label()), sel(idx, p.text)),
            Span::styled(
                format!("{value:<12}"),
                p.accent.add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!("({})", field.bounds()), p.dim),
        ]));
    }
    lines.push(Line::from(""));
    match error {
        Some(e) => lines.push(Line::from(Span::styled(format!("  ✖ {e}"), p.error))),
        None => lines.push(Line::from(Span::styled(
            "  digits then Enter set a limit; out-of-range values are refused, never clamped",
            p.dim,
        ))),
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
