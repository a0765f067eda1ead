//! The status bar: file, dirty flag, code hash, executor, profile and limits, key hints or the
//! latest message.

use super::palette::Palette;
use crate::engine::hash;
use crate::tui::app::App;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette) {
    let mut spans = vec![Span::styled(
        format!(" {} ", app.title),
        p.title.add_modifier(Modifier::REVERSED),
    )];
    if app.dirty() {
        spans.push(Span::styled(" [+]", p.warn));
    }
    let hash = match (&app.report, app.scan_pending()) {
        (Some(r), false) => hash::short(&r.sha256).to_string(),
        _ => "…".to_string(),
    };
    spans.push(Span::styled(format!(" sha {hash}"), p.dim));
    let exec = if app.executor == "auto" {
        format!(" · {} (auto)", app.resolved_executor())
    } else {
        format!(" · {}", app.executor)
    };
    spans.push(Span::styled(exec, p.accent));
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
        format!(" · {}:{} ", c.line + 1, c.col + 1),
        p.dim,
    ));
    match &app.message {
        Some(m) => spans.push(Span::styled(format!(" {m}"), p.warn)),
        None => spans.push(Span::styled(
            " F5 run · Ctrl-P samples · Ctrl-E executor · F1 help · Ctrl-Q quit",
            p.dim,
        )),
    }
    f.render_widget(Paragraph::new(Line::from(spans)).style(p.status), area);
}
