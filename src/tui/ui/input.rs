//! The `input` editor (F4): the JSON a run of this buffer sees as its deeply frozen global
//! `input`, checked as you type, with where a mistake is.

use super::palette::Palette;
use super::{fit, width};
use crate::engine::text;
use crate::tui::app::{App, InputEditor};
use crate::tui::buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette, ed: &InputEditor) {
    let rows = InputEditor::rows(app.size);
    let w = 90.min(area.width.saturating_sub(4));
    let r = super::centered(area, w, rows as u16 + 5);
    let title = format!(" Input of {} — the run's frozen global `input` ", app.title);
    let inner = super::dialog(f, r, &title, p);
    let iw = inner.width as usize;
    let gutter = 4usize;
    let text_w = iw.saturating_sub(gutter);
    let b = &ed.buffer;
    let cursor = b.cursor();
    let err_line = ed.check.as_ref().err().and_then(|e| e.at).map(|(l, _)| l);
    let mut lines: Vec<Line> = Vec::new();
    for i in ed.view_top..ed.view_top + rows {
        let Some(l) = b.line(i) else {
            lines.push(Line::from(Span::styled("  ~ ", p.gutter)));
            continue;
        };
        // The view scrolls horizontally with the cursor on its line only.
        let left = if i == cursor.line {
            buffer::display_col(l, cursor.col).saturating_sub(text_w.saturating_sub(1))
        } else {
            0
        };
        let shown: String = text::escape(l, false).chars().skip(left).collect();
        let gutter_style = if err_line == Some(i + 1) {
            p.error
        } else {
            p.gutter
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:>3} ", i + 1), gutter_style),
            Span::styled(fit(&shown, text_w), p.text),
        ]));
    }
    let status = match &ed.check {
        Ok(None) => Line::from(Span::styled("empty: runs get no `input` global", p.dim)),
        Ok(Some(i)) => Line::from(vec![
            Span::styled("✔ valid JSON · ", p.ok),
            Span::styled(fit(&i.summary(), iw.saturating_sub(15)), p.text),
        ]),
        Err(e) => Line::from(Span::styled(fit(&format!("✖ {e}"), iw), p.error)),
    };
    lines.push(Line::from(""));
    lines.push(status);
    let hint = if iw >= 60 {
        "Ctrl-S apply (valid JSON or empty) · Esc cancel · saved with the file's run settings"
    } else {
        "Ctrl-S apply · Esc cancel"
    };
    lines.push(Line::from(Span::styled(fit(hint, iw), p.accent)));
    f.render_widget(Paragraph::new(lines), inner);
    if cursor.line >= ed.view_top && cursor.line < ed.view_top + rows {
        let l = b.line(cursor.line).unwrap_or("");
        let col = width(&text::escape(
            &l.chars().take(cursor.col).collect::<String>(),
            false,
        ));
        let col = col.min(text_w.saturating_sub(1));
        let x = inner.x as usize + gutter + col;
        let y = inner.y as usize + cursor.line - ed.view_top;
        f.set_cursor_position(Position::new(x as u16, y as u16));
    }
}
