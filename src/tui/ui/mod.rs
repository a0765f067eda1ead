//! Drawing. [`render`] is a pure function of the App: it does no IO and changes nothing.

pub mod dialogs;
pub mod editor;
pub mod executors;
pub mod findings;
pub mod graphs;
pub mod help;
pub mod palette;
pub mod results;
pub mod samples;
pub mod status;

use crate::tui::app::{App, Focus, Overlay};
use crate::tui::layout;
use palette::Palette;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

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
        Overlay::Help => help::render(f, area, &p),
        Overlay::Executors { row, edit, error } => {
            executors::render(app, f, area, &p, *row, edit.as_deref(), error.as_deref())
        }
        Overlay::Samples { selected } => samples::render(f, area, &p, *selected),
        Overlay::Prompt {
            kind,
            input,
            completions,
        } => dialogs::prompt(f, area, &p, *kind, input, completions),
        Overlay::ConfirmBlock => dialogs::confirm_block(app, f, area, &p),
        Overlay::ConfirmQuit => dialogs::confirm(
            f,
            area,
            &p,
            " Unsaved changes ",
            &[
                format!("{} has unsaved changes.", app.title),
                String::new(),
                "s  save and quit".into(),
                "q  quit without saving".into(),
                "Esc  keep editing".into(),
            ],
        ),
        Overlay::ConfirmDiscard(l) => dialogs::confirm(
            f,
            area,
            &p,
            " Unsaved changes ",
            &[
                format!("Open {} and drop the changes to {}?", l.title, app.title),
                String::new(),
                "y  open it (changes stay in the recovery file)".into(),
                "Esc  keep editing".into(),
            ],
        ),
        Overlay::Recovery { text } => dialogs::confirm(
            f,
            area,
            &p,
            " Recover unsaved changes? ",
            &[
                format!(
                    "A previous session did not quit cleanly and left {} lines of unsaved work for {}.",
                    text.lines().count(),
                    app.title
                ),
                String::new(),
                "r  restore them into the editor".into(),
                "d  discard the recovery copy".into(),
            ],
        ),
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

/// Clears `r` and draws a dialog block on it; returns the inside.
pub fn dialog(f: &mut Frame, r: Rect, title: &str, p: &Palette) -> Rect {
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(p.border_focus)
        .title(Span::styled(title.to_string(), p.title));
    let inner = block.inner(r);
    f.render_widget(block.style(p.text), r);
    inner
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
