//! The Permissions panel (F9): what the next run of this buffer is granted, where each grant
//! came from (the manifest, the `run-options` header, the workbench's settings, the
//! defaults), and the edits (add, remove, deny-all), checked as you type with the command
//! line's own words.

use super::palette::Palette;
use super::{fit, wrap};
use crate::engine::text;
use crate::tui::app::{App, PermissionsPanel};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette, panel: &PermissionsPanel) {
    let rows = app.permission_rows();
    let w = 110.min(area.width.saturating_sub(4));
    let h = (rows.len() as u16 + 8).min(area.height.saturating_sub(2));
    let r = super::centered(area, w, h);
    let title = format!(" Permissions of {} — for the next run ", app.title);
    let inner = super::dialog(f, r, &title, p);
    let iw = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let manifest = match &app.manifest {
        Some(Ok(m)) => format!(
            "manifest: {}",
            text::escape(&m.path.display().to_string(), false)
        ),
        Some(Err(_)) => "manifest: unreadable (ignored; F2 says why)".to_string(),
        None if app.path().is_some() => "manifest: none beside the file".to_string(),
        None => "manifest: none (not a file)".to_string(),
    };
    lines.push(Line::from(Span::styled(fit(&manifest, iw), p.dim)));
    // Rows: kind, what, source; the source column gets what is left.
    let kind_w = 9;
    let widest = rows
        .iter()
        .map(|r| super::width(&r.what))
        .max()
        .unwrap_or(8);
    let what_w = widest.clamp(8, (iw.saturating_sub(kind_w + 3) * 3 / 5).max(8));
    let src_w = iw.saturating_sub(kind_w + what_w + 3);
    let list_rows = (inner.height as usize).saturating_sub(6).max(1);
    let top = panel.row.saturating_sub(list_rows.saturating_sub(1));
    for (i, row) in rows.iter().enumerate().skip(top).take(list_rows) {
        let selected = i == panel.row && panel.adding.is_none();
        let mark = if selected { "›" } else { " " };
        let style = if selected { p.selection } else { p.text };
        let src_style = if row.removable.is_some() {
            p.accent
        } else {
            p.dim
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{mark}{:<width$} ", row.kind, width = kind_w),
                style,
            ),
            Span::styled(
                format!("{:<width$} ", fit(&row.what, what_w), width = what_w),
                style,
            ),
            Span::styled(fit(&row.source, src_w), src_style),
        ]));
    }
    lines.push(Line::from(""));
    let mut cursor = None;
    match &panel.adding {
        Some(t) => {
            let prompt = "add: ";
            let shown = text::escape(t, false);
            let room = iw.saturating_sub(prompt.len() + 1);
            let skip = shown.chars().count().saturating_sub(room);
            let visible: String = shown.chars().skip(skip).collect();
            cursor = Some((prompt.len() + super::width(&visible), lines.len()));
            lines.push(Line::from(vec![
                Span::styled(prompt, p.accent),
                Span::styled(visible, p.text),
            ]));
            match (&panel.error, t.trim().is_empty()) {
                (Some(e), _) => {
                    for l in wrap(&format!("✖ {e}"), iw, 3) {
                        lines.push(Line::from(Span::styled(l, p.error)));
                    }
                }
                (None, true) => lines.push(Line::from(Span::styled(
                    fit("read DIR · net [https://]HOST[:PORT] · module NAME", iw),
                    p.dim,
                ))),
                (None, false) => {
                    lines.push(Line::from(Span::styled(fit("✔ Enter adds it", iw), p.ok)))
                }
            }
            let hint = if iw >= 84 {
                "Enter add · Esc back · the same checks as --allow-read/--allow-net/--allow-module"
            } else {
                "Enter add · Esc back · checked as the --allow-* flags"
            };
            lines.push(Line::from(Span::styled(fit(hint, iw), p.accent)));
        }
        None => {
            for l in panel
                .error
                .as_deref()
                .map(|e| wrap(e, iw, 2))
                .unwrap_or_default()
            {
                lines.push(Line::from(Span::styled(l, p.error)));
            }
            let hint = if iw >= 80 {
                "a add · d remove (the buffer's own) · x deny-all · ↑↓ · Esc close — edits apply to the next run, saved with the file's settings"
            } else {
                "a add · d remove · x deny-all · Esc close"
            };
            for l in wrap(hint, iw, 2) {
                lines.push(Line::from(Span::styled(l, p.accent)));
            }
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor {
        let x = inner.x as usize + x.min(iw.saturating_sub(1));
        let y = inner.y as usize + y;
        if y < (inner.y + inner.height) as usize {
            f.set_cursor_position(Position::new(x as u16, y as u16));
        }
    }
}
