//! Small dialogs: the path / search prompt, the run confirmation (block verdict, failed scan),
//! yes/no questions. Bodies are wrapped to the dialog's width and the dialog grows to hold
//! them (up to the screen).

use super::palette::Palette;
use super::{fit, wrap};
use crate::engine::text;
use crate::tui::app::{App, PromptKind, RunQuestion};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub(crate) fn prompt(
    f: &mut Frame,
    area: Rect,
    p: &Palette,
    kind: PromptKind,
    input: &str,
    completions: &[String],
) {
    let (title, hint) = match kind {
        PromptKind::Open => (" Open file ", "Tab completes · Enter opens · Esc cancels"),
        PromptKind::SaveAs => (" Save as ", "Tab completes · Enter saves · Esc cancels"),
        PromptKind::Search => (" Search ", "Enter finds · ↑/↓ previous/next · Esc closes"),
    };
    let shown = completions.len().min(8) as u16;
    let extra = u16::from(completions.len() > 8);
    let r = super::centered(
        area,
        70.min(area.width.saturating_sub(4)),
        4 + shown + extra,
    );
    let inner = super::dialog(f, r, title, p);
    let safe = text::escape(input, false);
    let w = inner.width.saturating_sub(3) as usize;
    let n = safe.chars().count();
    let visible: String = safe.chars().skip(n.saturating_sub(w)).collect();
    let iw = inner.width as usize;
    let mut lines = vec![
        Line::from(vec![
            Span::styled("> ", p.accent),
            Span::styled(visible, p.text),
            Span::styled("▏", p.accent),
        ]),
        Line::from(Span::styled(fit(hint, iw), p.dim)),
    ];
    for c in completions.iter().take(8) {
        lines.push(Line::from(Span::styled(
            fit(&text::escape(c, false), iw),
            p.dim,
        )));
    }
    if completions.len() > 8 {
        lines.push(Line::from(Span::styled(
            format!("… {} more", completions.len() - 8),
            p.dim,
        )));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// A dialog of `body` lines (each wrapped to the width), the first in `first` style.
fn body_dialog(f: &mut Frame, area: Rect, p: &Palette, title: &str, body: &[(String, Style)]) {
    let w = 72.min(area.width.saturating_sub(4));
    let iw = w.saturating_sub(2) as usize;
    let max_rows = area.height.saturating_sub(4) as usize;
    let mut rows: Vec<Line> = Vec::new();
    for (l, style) in body {
        let safe = text::escape(l, false);
        if safe.is_empty() {
            rows.push(Line::from(""));
            continue;
        }
        // Hanging indent for "key   text" lines: continuation rows line up with the text.
        let indent = hanging_indent(&safe);
        let first_w = iw;
        let rest_w = iw.saturating_sub(indent);
        if super::width(&safe) <= first_w || indent == 0 {
            for r in wrap(&safe, iw, max_rows) {
                rows.push(Line::from(Span::styled(r, *style)));
            }
        } else {
            let head_end = safe
                .char_indices()
                .nth(indent)
                .map_or(safe.len(), |(i, _)| i);
            let (key, text) = safe.split_at(head_end);
            let parts = wrap(text, rest_w, max_rows);
            for (i, r) in parts.into_iter().enumerate() {
                let lead = if i == 0 {
                    key.to_string()
                } else {
                    " ".repeat(indent)
                };
                rows.push(Line::from(Span::styled(format!("{lead}{r}"), *style)));
            }
        }
    }
    if rows.len() > max_rows {
        rows.truncate(max_rows);
        if let Some(last) = rows.last_mut() {
            *last = Line::from(Span::styled("…", p.dim));
        }
    }
    let r = super::centered(area, w, rows.len() as u16 + 2);
    let inner = super::dialog(f, r, title, p);
    f.render_widget(Paragraph::new(rows), inner);
}

/// The width of the key column of a `key   text` line (a short first word followed by at
/// least two spaces), else 0.
fn hanging_indent(s: &str) -> usize {
    let Some(i) = s.find("  ") else {
        return 0;
    };
    if i == 0 || i > 8 {
        return 0;
    }
    let rest = &s[i..];
    let spaces = rest.len() - rest.trim_start().len();
    s[..i].chars().count() + spaces
}

pub(crate) fn confirm(f: &mut Frame, area: Rect, p: &Palette, title: &str, body: &[String]) {
    let body: Vec<(String, Style)> = body.iter().map(|l| (l.clone(), p.text)).collect();
    body_dialog(f, area, p, title, &body);
}

pub(crate) fn confirm_run(app: &App, f: &mut Frame, area: Rect, p: &Palette, q: &RunQuestion) {
    let mut body: Vec<(String, Style)> = Vec::new();
    match q {
        RunQuestion::Block => {
            let score = app.report.as_ref().map_or(0, |r| r.score);
            body.push((
                format!("The scanner's verdict is BLOCK (score {score}/100)."),
                p.error,
            ));
            body.push((String::new(), p.text));
            for fnd in app.findings().iter().take(3) {
                body.push((
                    format!("  • {} (L{}, score {})", fnd.rule, fnd.line, fnd.score),
                    p.text,
                ));
            }
        }
        RunQuestion::ScanFailed(why) => {
            body.push((
                "The scan of this code failed: its verdict is unknown.".to_string(),
                p.error,
            ));
            body.push((why.clone(), p.dim));
        }
    }
    body.push((String::new(), p.text));
    body.push((
        "Attempts are contained by the sandbox and recorded.".into(),
        p.text,
    ));
    body.push(("y    run anyway in the sandbox".into(), p.text));
    body.push(("Esc  don't run".into(), p.text));
    body_dialog(f, area, p, " Run anyway in the sandbox? ", &body);
}
