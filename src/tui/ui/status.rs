//! The status bar: file, dirty flag, code hash, executor, profile and limits, key hints or the
//! latest message. Narrow terminals get the short form.

use super::palette::Palette;
use crate::engine::hash;
use crate::tui::app::App;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette) {
    let wide = area.width >= 120;
    let mut spans = vec![Span::styled(
        format!(" {} ", app.title),
        p.title.add_modifier(Modifier::REVERSED),
    )];
    if app.dirty() {
        spans.push(Span::styled(" [+]", p.warn));
    }
    let hash = match (&app.report, app.scan_pending()) {
        (Some(r), false) => {
            let h = hash::short(&r.sha256);
            h.get(..if wide { 12 } else { 8 }).unwrap_or(h).to_string()
        }
        _ => "…".to_string(),
    };
    spans.push(Span::styled(format!(" sha {hash}"), p.dim));
    let exec = if app.executor == "auto" {
        format!(" · {} (auto)", app.resolved_executor())
    } else {
        format!(" · {}", app.executor)
    };
    spans.push(Span::styled(exec, p.accent));
    if wide {
        spans.push(Span::styled(
            format!(
                " · {} {} {}",
                app.profile.as_str(),
                super::fmt_ms(app.limits.timeout_ms as f64),
                super::fmt_bytes(app.limits.memory_bytes())
            ),
            p.dim,
        ));
        let c = app.buffer.cursor();
        spans.push(Span::styled(
            format!(" · {}:{}", c.line + 1, c.col + 1),
            p.dim,
        ));
    }
    spans.push(Span::raw(" "));
    match &app.message {
        Some(m) => spans.push(Span::styled(format!(" {m}"), p.warn)),
        None if wide => spans.push(Span::styled(
            " F5 run · Ctrl-P samples · Ctrl-E executor · F1 help · Ctrl-Q quit",
            p.dim,
        )),
        None => spans.push(Span::styled(" F5 run · F1 help · Ctrl-Q quit", p.dim)),
    }
    f.render_widget(Paragraph::new(Line::from(spans)).style(p.status), area);
}
