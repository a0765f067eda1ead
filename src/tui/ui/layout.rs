//! Where each pane goes. Pure: the same function serves rendering and mouse hit-testing.

use ratatui::layout::Rect;

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub editor: Rect,
    pub threats: Rect,
    pub results: Rect,
    pub graphs: Rect,
    pub status: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Splits the screen: editor (top left), threat panel (top right), results (bottom left),
/// graphs (bottom right), status bar (last row).
pub fn areas(area: Rect) -> Areas {
    let w = area.width;
    let h = area.height;
    let main_h = h.saturating_sub(1);
    let right_w = if w >= 140 {
        52
    } else if w >= 110 {
        40
    } else {
        32
    }
    .min(w / 2);
    let left_w = w - right_w;
    let bottom_h = (main_h * 36 / 100).max(8).min(main_h / 2);
    let top_h = main_h - bottom_h;
    let (x, y) = (area.x, area.y);
    Areas {
        editor: Rect::new(x, y, left_w, top_h),
        threats: Rect::new(x + left_w, y, right_w, top_h),
        results: Rect::new(x, y + top_h, left_w, bottom_h),
        graphs: Rect::new(x + left_w, y + top_h, right_w, bottom_h),
        status: Rect::new(x, y + main_h, w, h.min(1)),
    }
}

/// The inside of a bordered block.
pub fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

/// Width of the editor's gutter for a buffer of `lines` lines: digits, marker, space.
pub fn gutter_width(lines: usize) -> u16 {
    let digits = lines.max(1).to_string().len().max(3) as u16;
    digits + 2
}

pub fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
}
