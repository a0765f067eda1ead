//! Small dialogs: the path / search prompt, the block-verdict confirmation, yes/no questions.

use super::palette::Palette;
use crate::engine::text;
use crate::tui::app::{App, PromptKind};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn prompt(
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
        PromptKind::Search => (" Search ", "Enter finds · F3 next · Shift-F3 previous"),
    };
    let shown = completions.len().min(8) as u16;
    let r = super::centered(area, 70.min(area.width.saturating_sub(4)), 5 + shown);
    let inner = super::dialog(f, r, title, p);
    let safe = text::escape(input, false);
    let w = inner.width.saturating_sub(3) as usize;
    let n = safe.chars().count();
    let visible: String = safe.chars().skip(n.saturating_sub(w)).collect();
    let mut lines = vec![
        Line::from(vec![
            Span::styled("> ", p.accent),
            Span::styled(visible, p.text),
            Span::styled("▏", p.accent),
        ]),
        Line::from(Span::styled(hint, p.dim)),
    ];
    for c in completions.iter().take(8) {
        lines.push(Line::from(Span::styled(
            text::escape(c, false).into_owned(),
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

pub fn confirm(f: &mut Frame, area: Rect, p: &Palette, title: &str, body: &[String]) {
    let r = super::centered(
        area,
        64.min(area.width.saturating_sub(4)),
        body.len() as u16 + 4,
    );
    let inner = super::dialog(f, r, title, p);
    let lines: Vec<Line> = body
        .iter()
        .map(|l| Line::from(Span::styled(text::escape(l, false).into_owned(), p.text)))
        .collect();
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub fn confirm_block(app: &App, f: &mut Frame, area: Rect, p: &Palette) {
    let score = app.report.as_ref().map_or(0, |r| r.score);
    let top: Vec<String> = app
        .findings()
        .iter()
        .take(3)
        .map(|f| format!("  • {} (L{}, score {})", f.rule, f.line, f.score))
        .collect();
    let mut body = vec![
        format!("The scanner's verdict is BLOCK (score {score}/100)."),
        String::new(),
    ];
    body.extend(top);
    body.push(String::new());
    body.push("Attempts are contained by the sandbox and recorded.".into());
    body.push("y / Enter  run anyway in the sandbox".into());
    body.push("Esc        don't run".into());
    let r = super::centered(
        area,
        72.min(area.width.saturating_sub(4)),
        body.len() as u16 + 3,
    );
    let inner = super::dialog(f, r, " Run anyway in the sandbox? ", p);
    let lines: Vec<Line> = body
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let style = if i == 0 { p.error } else { p.text };
            Line::from(Span::styled(text::escape(&l, false).into_owned(), style))
        })
        .collect();
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
