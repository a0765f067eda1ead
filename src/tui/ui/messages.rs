//! The messages view (F2): every notice and warning of the session, oldest first, each wrapped
//! in full (theme warnings, recovery notes, failed saves…). The status bar shows only the
//! latest.

use super::palette::Palette;
use super::wrap;
use crate::tui::app::{App, MessageLevel};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette, scroll: usize) {
    let w = 100.min(area.width.saturating_sub(4));
    let h = area.height.saturating_sub(4);
    let r = super::centered(area, w, h);
    let title = format!(
        " Messages ({}) — ↑↓ scroll · Esc closes ",
        app.messages.len()
    );
    let inner = super::dialog(f, r, &title, p);
    let iw = inner.width as usize;
    if app.messages.is_empty() {
        f.render_widget(Paragraph::new("no messages yet").style(p.dim), inner);
        return;
    }
    // The messages up to the one `scroll` selects (the newest when the view opens), so ↑
    // goes back through older ones; the last rows of them are shown. At most MAX_MESSAGES
    // messages of at most 20 rows each are wrapped.
    let last = scroll.min(app.messages.len().saturating_sub(1));
    let rows = inner.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    for m in app.messages.iter().take(last + 1) {
        let (mark, style) = match m.level {
            MessageLevel::Warning => ("⚠ ", p.warn),
            MessageLevel::Info => ("· ", p.dim),
        };
        for (i, r) in wrap(&m.text, iw.saturating_sub(2), 20)
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 { mark } else { "  " };
            lines.push(Line::from(vec![
                Span::styled(lead, style),
                Span::styled(r, p.text),
            ]));
        }
    }
    let skip = lines.len().saturating_sub(rows);
    let lines: Vec<Line> = lines.into_iter().skip(skip).collect();
    f.render_widget(Paragraph::new(lines), inner);
}
