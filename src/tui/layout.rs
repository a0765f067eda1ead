//! Where everything goes on screen. Pure geometry over plain data, shared by the drawing
//! (`ui`) and by the App's mouse hit-testing, so a click always lands where the pane was drawn
//! and neither side has to ask the other.

use ratatui::layout::Rect;

/// Smallest usable terminal.
pub(crate) const MIN_WIDTH: u16 = 80;
pub(crate) const MIN_HEIGHT: u16 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Areas {
    pub editor: Rect,
    pub threats: Rect,
    pub results: Rect,
    pub graphs: Rect,
    pub status: Rect,
}

/// The whole screen of a terminal `size` (width, height) cells large.
pub(crate) fn screen(size: (u16, u16)) -> Rect {
    Rect::new(0, 0, size.0, size.1)
}

pub(crate) fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Splits the screen: editor (top left), threat panel (top right), results (bottom left),
/// graphs (bottom right), status bar (last row).
pub(crate) fn areas(area: Rect) -> Areas {
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
pub(crate) fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

pub(crate) fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
}

// ── editor ──────────────────────────────────────────────────────────────────────────────

/// Width of the editor's gutter for a buffer of `lines` lines: digits, marker, space.
pub(crate) fn gutter_width(lines: usize) -> u16 {
    let digits = lines.max(1).to_string().len().max(3) as u16;
    digits + 2
}

/// Where the editor draws text (inside its border, right of the gutter) on a screen `size`
/// large, for a buffer of `lines` lines.
pub(crate) fn editor_text(size: (u16, u16), lines: usize) -> Rect {
    let ed = inner(areas(screen(size)).editor);
    let gutter = gutter_width(lines).min(ed.width);
    Rect::new(ed.x + gutter, ed.y, ed.width - gutter, ed.height)
}

// ── threat panel ────────────────────────────────────────────────────────────────────────

/// Rows at the top of the threat panel's inside used by the score and verdict lines.
pub(crate) const THREATS_HEAD_ROWS: u16 = 2;

/// Rows under the findings list for the selected finding's details and the metrics line.
pub(crate) fn threats_details_rows(inner: Rect) -> u16 {
    let avail = inner.height.saturating_sub(THREATS_HEAD_ROWS);
    (avail / 2).clamp(avail.min(3), 9)
}

/// Where the findings list is drawn (one finding per row) in the threat panel `threats`.
pub(crate) fn findings_list(threats: Rect) -> Rect {
    let inner = inner(threats);
    let d = threats_details_rows(inner);
    Rect::new(
        inner.x,
        inner.y + THREATS_HEAD_ROWS,
        inner.width,
        inner.height.saturating_sub(THREATS_HEAD_ROWS + d),
    )
}

// ── results panel ───────────────────────────────────────────────────────────────────────

/// The index of the tab under screen column `x` on the tab row of the results pane
/// `results`, the tabs drawn as `labels` one cell apart from the pane's inside left edge.
pub(crate) fn tab_at<S: AsRef<str>>(results: Rect, labels: &[S], x: u16) -> Option<usize> {
    let mut cx = results.x + 1;
    for (i, label) in labels.iter().enumerate() {
        let w = label.as_ref().chars().count() as u16;
        if x >= cx && x < cx + w {
            return Some(i);
        }
        cx += w + 1;
    }
    None
}
