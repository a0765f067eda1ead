//! Drawing. [`render`] is a pure function of the App: it does no IO and changes nothing.
//!
//! Text never runs off an edge mid-word: lines that may not fit go through [`fit`] (cut with
//! `…`) or [`wrap`] (words to the next line; the last row that fits ends with `…`), by display
//! width.

pub(crate) mod dialogs;
pub(crate) mod editor;
pub(crate) mod executors;
pub(crate) mod findings;
pub(crate) mod graphs;
pub(crate) mod help;
pub mod input;
pub mod messages;
pub(crate) mod palette;
pub mod recovery;
pub(crate) mod results;
pub(crate) mod samples;
pub(crate) mod status;

use crate::tui::app::{App, Focus, Overlay, RunQuestion};
use crate::tui::layout;
use palette::Palette;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

/// Spinner frames while a run goes.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn palette_of(app: &App) -> Palette<'_> {
    Palette::new(app.theme.current())
}

pub fn render(app: &App, f: &mut Frame) {
    let area = f.area();
    let p = palette_of(app);
    if layout::too_small(area) {
        let msg = format!(
            "terminal too small: {}×{} (the workbench needs at least {}×{})",
            area.width,
            area.height,
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT
        );
        let y = area.height / 2;
        let r = Rect::new(area.x, area.y + y, area.width, 1.min(area.height));
        f.render_widget(
            Paragraph::new(msg)
                .style(p.warn)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            Rect::new(
                r.x,
                r.y.saturating_sub(1),
                r.width,
                area.height.saturating_sub(y.saturating_sub(1)).min(3),
            ),
        );
        return;
    }
    let a = layout::areas(area);
    editor::render(app, f, a.editor, &p);
    findings::render(app, f, a.threats, &p);
    results::render(app, f, a.results, &p);
    graphs::render(app, f, a.graphs, &p);
    status::render(app, f, a.status, &p);
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help { scroll } => help::render(f, area, &p, *scroll),
        Overlay::Messages { scroll } => messages::render(app, f, area, &p, *scroll),
        Overlay::Executors { row, edit, error } => {
            executors::render(app, f, area, &p, *row, edit.as_deref(), error.as_deref())
        }
        Overlay::Samples { selected } => samples::render(f, area, &p, *selected),
        Overlay::Prompt {
            kind,
            input,
            completions,
        } => dialogs::prompt(f, area, &p, *kind, input, completions),
        Overlay::ConfirmBlock => dialogs::confirm_run(app, f, area, &p, &RunQuestion::Block),
        Overlay::ConfirmRun(q) => dialogs::confirm_run(app, f, area, &p, q),
        Overlay::ConfirmQuit => dialogs::confirm(
            f,
            area,
            &p,
            " Unsaved changes ",
            &[
                format!("{} has unsaved changes.", app.title),
                String::new(),
                "s    save, then quit".into(),
                "k    quit, keep the changes in a recovery copy".into(),
                "q    quit and discard the changes".into(),
                "Esc  keep editing".into(),
            ],
        ),
        Overlay::ConfirmDiscard(l) => dialogs::confirm(
            f,
            area,
            &p,
            " Unsaved changes ",
            &[
                format!("{} has unsaved changes. Open {} now?", app.title, l.title),
                String::new(),
                "y    open it; the changes stay in a recovery copy, offered when you open this file again and at the next start".into(),
                "Esc  keep editing".into(),
            ],
        ),
        Overlay::ConfirmOverwrite { path } => dialogs::confirm(
            f,
            area,
            &p,
            " Replace a file? ",
            &[
                format!(
                    "{} already exists and is not the file this buffer was loaded from.",
                    crate::engine::text::escape(&path.to_string_lossy(), false)
                ),
                String::new(),
                "y    replace it with this buffer".into(),
                "Esc  don't save".into(),
            ],
        ),
        Overlay::Recovery(v) => recovery::render_list(f, area, &p, v),
        Overlay::RecoveryDiff(d) => recovery::render_diff(f, area, &p, d),
        Overlay::Input(ed) => input::render(app, f, area, &p, ed),
    }
}

/// A bordered block whose border shows whether it has the focus.
pub fn pane<'a>(title: impl Into<Line<'a>>, focused: bool, p: &Palette) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(if focused { p.border_focus } else { p.border })
        .title(title)
        .title_style(p.title)
}

/// Draws a pane's border (see [`pane`]) over `area` and returns the inside.
pub fn draw_pane<'a>(
    f: &mut Frame,
    area: Rect,
    title: impl Into<Line<'a>>,
    focused: bool,
    p: &Palette,
) -> Rect {
    let block = pane(title, focused, p);
    let inner = block.inner(area);
    f.render_widget(block, area);
    inner
}

pub fn focused(app: &App, f: Focus) -> bool {
    app.focus == f && matches!(app.overlay, Overlay::None)
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clears `r` and draws a dialog block on it (the title cut to fit the border); returns the
/// inside.
pub fn dialog(f: &mut Frame, r: Rect, title: &str, p: &Palette) -> Rect {
    f.render_widget(Clear, r);
    let title = fit(title, r.width.saturating_sub(2) as usize);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(p.border_focus)
        .title(Span::styled(title, p.title));
    let inner = block.inner(r);
    f.render_widget(block.style(p.text), r);
    inner
}

/// Display width of `s` (wide characters count two cells).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` cut to at most `w` cells, ending with `…` when cut.
pub fn fit(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > w - 1 {
            break;
        }
        used += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` wrapped at word boundaries into lines of at most `w` cells (a word longer than a line
/// is split), at most `max_rows` of them; when the text needs more, the last row ends with
/// `…`.
pub fn wrap(s: &str, w: usize, max_rows: usize) -> Vec<String> {
    if w == 0 || max_rows == 0 {
        return Vec::new();
    }
    let mut rows: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0;
    for word in s.split(' ') {
        let ww = width(word);
        let sep = usize::from(!cur.is_empty());
        if cur_w + sep + ww <= w {
            if sep == 1 {
                cur.push(' ');
            }
            cur.push_str(word);
            cur_w += sep + ww;
            continue;
        }
        if !cur.is_empty() {
            rows.push(std::mem::take(&mut cur));
        }
        // A word wider than a line: split it by cells.
        let mut piece = String::new();
        let mut pw = 0;
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if pw + cw > w {
                rows.push(std::mem::take(&mut piece));
                pw = 0;
            }
            piece.push(c);
            pw += cw;
        }
        cur = piece;
        cur_w = pw;
    }
    if !cur.is_empty() || rows.is_empty() {
        rows.push(cur);
    }
    if rows.len() > max_rows {
        rows.truncate(max_rows);
        if let Some(last) = rows.last_mut() {
            let mut l = fit(last, w.saturating_sub(1));
            if !l.ends_with('…') {
                l.push('…');
            }
            *last = l;
        }
    }
    rows
}

/// Lines of `spans` (label, style) joined with ` · `, dropping trailing parts that do not fit
/// `w`; the first part is cut with `…` if even it does not fit.
pub fn fit_parts(parts: &[(String, Style)], w: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    for (i, (t, st)) in parts.iter().enumerate() {
        let sep = if i == 0 { 0 } else { 3 };
        let tw = width(t);
        if used + sep + tw > w {
            if i == 0 {
                out.push(Span::styled(fit(t, w), *st));
            }
            break;
        }
        if sep > 0 {
            out.push(Span::raw(" · "));
        }
        out.push(Span::styled(t.clone(), *st));
        used += sep + tw;
    }
    out
}

/// Formats bytes as B / KB / MB.
pub fn fmt_bytes(b: u64) -> String {
    if b >= 1024 * 1024 {
        format!("{:.1} MB", b as f64 / (1024.0 * 1024.0))
    } else if b >= 1024 {
        format!("{:.1} KB", b as f64 / 1024.0)
    } else {
        format!("{b} B")
    }
}

/// Formats milliseconds as ms or s.
pub fn fmt_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

/// Formats seconds since the epoch as `HH:MM:SS` UTC.
pub fn fmt_clock(unix: u64) -> String {
    let s = unix % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_an_ellipsis_by_display_width() {
        assert_eq!(fit("hello", 5), "hello");
        assert_eq!(fit("hello world", 8), "hello w…");
        assert_eq!(fit("日本語テキスト", 5), "日本…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn wrap_breaks_at_words_and_marks_what_does_not_fit() {
        assert_eq!(
            wrap("the quick brown fox", 10, 5),
            vec!["the quick", "brown fox"]
        );
        assert_eq!(wrap("the quick brown fox", 10, 1), vec!["the quick…"]);
        assert_eq!(wrap("abcdefghijkl", 5, 5), vec!["abcde", "fghij", "kl"]);
        for row in wrap("never hand untrusted code a function constructor", 12, 3) {
            assert!(width(&row) <= 12, "{row}");
        }
    }
}
