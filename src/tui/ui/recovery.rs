//! The recovery list (file, where it belongs, time, size, first changed line) and the diff of
//! one copy against the text it would replace. Also the shared drawing of diff rows.

use super::palette::Palette;
use super::{fit, width};
use crate::tui::app::{DiffKind, DiffRow, RecoveryScope, RecoveryView};
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render_list(f: &mut Frame, area: Rect, p: &Palette, v: &RecoveryView) {
    let w = 100.min(area.width.saturating_sub(4));
    let h = (v.copies.len() as u16 * 2 + 5)
        .max(8)
        .min(area.height.saturating_sub(2));
    let r = super::centered(area, w, h);
    let title = match v.scope {
        RecoveryScope::Opened => " Unsaved work for this file was left by an earlier session ",
        _ => " Recovery copies — unsaved work from sessions that did not quit cleanly ",
    };
    let inner = super::dialog(f, r, title, p);
    let iw = inner.width as usize;
    let foot_rows = 2u16;
    let list_rows = inner.height.saturating_sub(foot_rows) as usize;
    let per = 2;
    let fits = (list_rows / per).max(1);
    let first = v.selected.saturating_sub(fits - 1);
    let mut lines: Vec<Line> = Vec::new();
    if v.copies.is_empty() {
        let msg = if v.waiting.is_none() && v.scope == RecoveryScope::All {
            "no recovery copies on disk (or still looking…)"
        } else {
            "no recovery copies"
        };
        lines.push(Line::from(Span::styled(msg, p.dim)));
    }
    for (i, c) in v.copies.iter().enumerate().skip(first).take(fits) {
        let sel = i == v.selected;
        let name_style = if sel {
            p.title.add_modifier(Modifier::BOLD).patch(p.selection)
        } else {
            p.title.add_modifier(Modifier::BOLD)
        };
        let name = fit(&c.title, (iw / 3).max(12));
        let rest = iw.saturating_sub(2 + width(&name) + 2);
        lines.push(Line::from(vec![
            Span::styled(if sel { "▸ " } else { "  " }, p.accent),
            Span::styled(name, name_style),
            Span::raw("  "),
            Span::styled(fit(&c.origin.describe(), rest), p.dim),
        ]));
        let summary = crate::tui::app::describe_copy(c);
        lines.push(Line::from(Span::styled(
            format!("    {}", fit(&summary, iw.saturating_sub(4))),
            if c.in_use_by.is_some() {
                p.warn
            } else {
                p.text
            },
        )));
    }
    f.render_widget(
        Paragraph::new(lines),
        Rect::new(inner.x, inner.y, inner.width, list_rows as u16),
    );
    let foot = Rect::new(
        inner.x,
        inner.y + inner.height.saturating_sub(foot_rows),
        inner.width,
        foot_rows,
    );
    let mut foot_lines = Vec::new();
    if v.unlisted > 0 {
        foot_lines.push(Line::from(Span::styled(
            fit(
                &format!("{} more copies on disk, not listed", v.unlisted),
                iw,
            ),
            p.dim,
        )));
    } else {
        foot_lines.push(Line::from(""));
    }
    let line = if v.confirm_discard {
        let t = v.selected_copy().map_or("", |c| c.title.as_str());
        Line::from(Span::styled(
            fit(
                &format!("Discard the copy of {t} for good? y discards · any other key keeps it"),
                iw,
            ),
            p.error.add_modifier(Modifier::BOLD),
        ))
    } else if v.waiting.is_some() {
        Line::from(Span::styled("reading the copy…", p.dim))
    } else {
        let hint = if iw >= 70 {
            "r/Enter restore · v diff · x discard · Esc later (copies stay until saved or discarded)"
        } else {
            "r restore · v diff · x discard · Esc later"
        };
        Line::from(Span::styled(fit(hint, iw), p.accent))
    };
    foot_lines.push(line);
    f.render_widget(Paragraph::new(foot_lines), foot);
}

/// One diff row as a line of at most `w` cells.
pub fn diff_line(row: &DiffRow, w: usize, p: &Palette) -> Line<'static> {
    let (mark, style) = match row.kind {
        DiffKind::Added => ("+ ", p.ok),
        DiffKind::Removed => ("- ", p.error),
        DiffKind::Same => ("  ", p.dim),
        DiffKind::Heading => ("", p.accent.add_modifier(Modifier::BOLD)),
        DiffKind::Note => ("  ", p.text),
    };
    let text = fit(&row.text, w.saturating_sub(width(mark)));
    Line::from(vec![Span::styled(mark, style), Span::styled(text, style)])
}

pub fn render_diff(f: &mut Frame, area: Rect, p: &Palette, d: &crate::tui::app::DiffView) {
    let w = 110.min(area.width.saturating_sub(4));
    let h = area.height.saturating_sub(2);
    let r = super::centered(area, w, h);
    let inner = super::dialog(f, r, &format!(" {} ", d.heading), p);
    let iw = inner.width as usize;
    let rows = inner.height.saturating_sub(1) as usize;
    let scroll = d.scroll.min(d.rows.len().saturating_sub(rows));
    let lines: Vec<Line> = d
        .rows
        .iter()
        .skip(scroll)
        .take(rows)
        .map(|row| diff_line(row, iw, p))
        .collect();
    f.render_widget(
        Paragraph::new(lines),
        Rect::new(inner.x, inner.y, inner.width, rows as u16),
    );
    let below = d.rows.len().saturating_sub(scroll + rows);
    let hint = if iw >= 70 {
        format!("r restore · x discard · ↑↓ PgUp PgDn scroll ({below} rows below) · Esc back")
    } else {
        format!("r restore · x discard · ↑↓ ({below} below) · Esc back")
    };
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(fit(&hint, iw), p.accent))),
        Rect::new(inner.x, inner.y + rows as u16, inner.width, 1),
    );
}
