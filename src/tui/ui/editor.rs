//! The editor pane: line numbers, gutter markers by severity, syntax colours, finding spans
//! underlined in their severity colour on top, selection, cursor. Only visible lines are
//! styled, so a keystroke costs the same on a 100 KB buffer as on a small one.

use super::focused;
use super::palette::Palette;
use crate::engine::lexer::{self, LineState};
use crate::engine::scan::{Finding, Severity};
use crate::engine::text;
use crate::tui::app::{App, Focus, Freshness, Language};
use crate::tui::buffer::{self, Pos};
use crate::tui::layout;
use crate::tui::wat::{self, WatState};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use std::collections::BTreeSet;

/// The gutter marker of a line with a finding / a blocked attempt confirmed at run time.
pub(crate) const MARK_FINDING: &str = "●";
pub(crate) const MARK_CONFIRMED: &str = "✖";
pub(crate) const MARK_BLOCKED: &str = "⊘";

pub(crate) fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette) {
    // The title is escaped (see `title_of`) and cut to the border, so no file name can draw
    // over the frame.
    let title = Line::from(vec![
        Span::raw(" "),
        Span::styled(
            super::fit(&app.title, (area.width as usize).saturating_sub(10)),
            p.title,
        ),
        Span::styled(if app.dirty() { " [+] " } else { " " }, p.warn),
    ]);
    let inner = super::draw_pane(f, area, title, focused(app, Focus::Editor), p);
    let gutter = layout::gutter_width(app.buffer.line_count());
    let text_w = inner.width.saturating_sub(gutter) as usize;
    let h = inner.height as usize;
    let findings = app.findings();
    let confirmed = app.confirmed_lines();
    // Markers of a run only on the code it ran (after an edit, lines may have moved).
    let blocked_lines: BTreeSet<u32> = if app.results_freshness() == Freshness::Fresh {
        app.blocked_list().iter().filter_map(|b| b.line).collect()
    } else {
        BTreeSet::new()
    };
    let selection = app.buffer.selection();
    let digits = gutter as usize - 2;
    let language = app.language();
    let mut lines = Vec::with_capacity(h);
    for row in 0..h {
        let idx = app.view_top + row;
        let Some(line) = app.buffer.line(idx) else {
            lines.push(Line::from(Span::styled(
                format!("{:>digits$}  ", "~"),
                p.gutter,
            )));
            continue;
        };
        let n = idx as u32 + 1;
        let on_line: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.line <= n && n <= f.end_line.max(f.line))
            .collect();
        let worst = on_line.iter().map(|f| f.severity).max();
        let (mark, mark_style) = match worst {
            Some(s) if confirmed.contains(&n) => {
                (MARK_CONFIRMED, p.severity(s).add_modifier(Modifier::BOLD))
            }
            Some(s) => (MARK_FINDING, p.severity(s)),
            None if blocked_lines.contains(&n) => (MARK_BLOCKED, p.error),
            None => (" ", p.gutter),
        };
        let is_cursor_line = idx == app.buffer.cursor().line;
        let mut spans = vec![
            Span::styled(
                format!("{n:>digits$}"),
                if is_cursor_line {
                    p.gutter_active
                } else {
                    p.gutter
                },
            ),
            Span::styled(mark, mark_style),
            Span::raw(" "),
        ];
        let state = match language {
            Language::JavaScript => {
                Lexer::Js(app.highlight.states.get(idx).copied().unwrap_or_default())
            }
            Language::WasmText => {
                Lexer::Wat(app.highlight.wat.get(idx).copied().unwrap_or_default())
            }
            // A `.wasm` view is a description, not code: plain text.
            Language::WasmBinary => Lexer::None,
        };
        // A line that goes on past the right edge ends with a dim `…` in its last cell, so a
        // cut line never passes for a whole one (the cursor's line scrolls instead).
        let overflows =
            text_w > 1 && buffer::display_col(line, line.chars().count()) > app.view_left + text_w;
        let mut code = code_spans(
            line,
            state,
            idx,
            app.view_left,
            if overflows { text_w - 1 } else { text_w },
            &on_line,
            selection,
            p,
        );
        if overflows {
            code.push(Span::styled("…", p.dim));
        }
        if is_cursor_line && focused(app, Focus::Editor) && selection.is_none() {
            // The cursor's line gets the theme's cursor-line background under the code.
            let bg = p.theme.cursor_line();
            spans.extend(code.into_iter().map(|s| {
                let style = s.style.patch(bg);
                Span::styled(s.content, style)
            }));
            lines.push(Line::from(spans).style(p.text.patch(bg)));
        } else {
            spans.extend(code);
            lines.push(Line::from(spans));
        }
    }
    f.render_widget(Paragraph::new(lines).style(p.text), inner);
    if focused(app, Focus::Editor) {
        let c = app.buffer.cursor();
        let dcol = crate::tui::buffer::display_col(app.buffer.line(c.line).unwrap_or(""), c.col);
        if c.line >= app.view_top && dcol >= app.view_left {
            let x = inner.x as usize + gutter as usize + dcol - app.view_left;
            let y = inner.y as usize + c.line - app.view_top;
            if x < (inner.x + inner.width) as usize && y < (inner.y + inner.height) as usize {
                f.set_cursor_position(Position::new(x as u16, y as u16));
            }
        }
    }
}

/// The severity of the worst finding covering char column `col` of line `idx`.
fn finding_at(on_line: &[&Finding], idx: usize, col: usize) -> Option<Severity> {
    let (l, c) = (idx as u32 + 1, col as u32 + 1);
    on_line
        .iter()
        .filter(|f| {
            let after_start = l > f.line || c >= f.column;
            let before_end = l < f.end_line || c < f.end_column.max(f.column + 1);
            after_start && before_end
        })
        .map(|f| f.severity)
        .max()
}

/// The visible part of one line as styled spans: tabs expanded, unsafe characters shown as
/// escapes, syntax colours with finding underlines and the selection on top.
#[allow(clippy::too_many_arguments)]
fn code_spans(
    line: &str,
    state: Lexer,
    idx: usize,
    left: usize,
    width: usize,
    on_line: &[&Finding],
    selection: Option<(Pos, Pos)>,
    p: &Palette,
) -> Vec<Span<'static>> {
    let syntax = syntax_styles(line, state, p);
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut cur = String::new();
    let mut cur_style = Style::default();
    let mut dcol = 0usize;
    let right = left + width;
    for (col, ch) in line.chars().enumerate() {
        if dcol >= right {
            break;
        }
        let mut style = syntax.get(col).copied().unwrap_or(p.text);
        if let Some(sev) = finding_at(on_line, idx, col) {
            style = style.patch(p.underline(sev));
        }
        let pos = Pos::new(idx, col);
        if selection.is_some_and(|(s, e)| s <= pos && pos < e) {
            style = style.patch(p.selection);
        }
        let next = buffer::advance(ch, dcol);
        let shown: String = if ch == '\t' {
            " ".repeat(next - dcol)
        } else if text::is_unsafe_char(ch, false) {
            style = style.patch(p.error).add_modifier(Modifier::REVERSED);
            "?".to_string()
        } else if next == dcol {
            // A combining mark joins the character before it; drop it if that one is clipped.
            if dcol > left && dcol <= right && !cur.is_empty() {
                cur.push(ch);
            }
            continue;
        } else if next - dcol > 1 && (dcol < left || next > right) {
            // A wide character cut by the left or right edge: blank its visible half.
            " ".repeat(next - dcol)
        } else {
            ch.to_string()
        };
        let cells = next - dcol;
        let chars: Vec<char> = shown.chars().collect();
        if chars.len() == cells {
            // One char per cell (spaces, escapes, blanked halves).
            for c in chars {
                if dcol >= left && dcol < right {
                    push_styled(&mut out, &mut cur, &mut cur_style, style, c);
                }
                dcol += 1;
            }
        } else {
            // A whole wide character, fully inside the view.
            for c in chars {
                push_styled(&mut out, &mut cur, &mut cur_style, style, c);
            }
            dcol = next;
        }
    }
    if !cur.is_empty() {
        out.push(Span::styled(cur, cur_style));
    }
    out
}

fn push_styled(
    out: &mut Vec<Span<'static>>,
    cur: &mut String,
    cur_style: &mut Style,
    style: Style,
    c: char,
) {
    if style != *cur_style && !cur.is_empty() {
        out.push(Span::styled(std::mem::take(cur), *cur_style));
    }
    *cur_style = style;
    cur.push(c);
}

/// Which lexer colours a line, with the line's cached start state.
#[derive(Debug, Clone, Copy)]
enum Lexer {
    Js(LineState),
    Wat(WatState),
    None,
}

/// Syntax colours per character of one line, lexed from the line's cached start state.
fn syntax_styles(line: &str, state: Lexer, p: &Palette) -> Vec<Style> {
    let tokens = match state {
        Lexer::Js(s) => lexer::tokenize_line(line, s).0,
        Lexer::Wat(s) => wat::tokenize_line(line, s).0,
        Lexer::None => Vec::new(),
    };
    let mut out = Vec::with_capacity(line.len());
    let mut ti = 0;
    for (b, _) in line.char_indices() {
        while ti < tokens.len() && tokens[ti].end <= b {
            ti += 1;
        }
        let style = match tokens.get(ti) {
            Some(t) if t.start <= b => p.text.patch(p.token(t.kind)),
            _ => p.text,
        };
        out.push(style);
    }
    out
}
