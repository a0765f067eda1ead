//! The status bar: file, dirty flag, code hash, executor, profile and limits, `input`, cursor,
//! then the latest message or key hints. Parts are dropped from the right in a fixed order
//! when the bar is narrow, and what remains is cut with `…`, never mid-word without it.

use super::palette::Palette;
use super::{fit, width};
use crate::engine::hash;
use crate::engine::trust::TrustState;
use crate::tui::app::App;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Key hints, longest first: the longest that fits is shown.
const HINTS: [&str; 6] = [
    "F5 run · Ctrl-P samples · Ctrl-E limits · F4 input · F9 permissions · F1 help · Ctrl-Q quit",
    "F5 run · Ctrl-P samples · Ctrl-E limits · F4 input · F1 help · Ctrl-Q quit",
    "F5 run · F9 permissions · F1 help · Ctrl-Q quit",
    "F5 run · F1 help · Ctrl-Q quit",
    "F1 help · Ctrl-Q quit",
    "F1 help",
];

pub(crate) fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette) {
    let w = area.width as usize;
    let wide = w >= 120;
    let mut left: Vec<(String, Style)> = Vec::new();
    left.push((
        format!(" {} ", fit(&app.title, (w / 3).clamp(8, 40))),
        p.title.add_modifier(Modifier::REVERSED),
    ));
    if app.dirty() {
        left.push((" [+]".to_string(), p.warn));
    }
    let hash = match (&app.report, app.scan_pending(), app.scan_failed_now()) {
        (_, _, true) => "scan failed".to_string(),
        (Some(r), false, _) => {
            let h = hash::short(&r.sha256);
            format!("sha {}", h.get(..if wide { 12 } else { 8 }).unwrap_or(h))
        }
        _ => "sha …".to_string(),
    };
    left.push((format!(" {hash}"), p.dim));
    left.push(trust_part(app, p));
    let exec = if app.settings.executor == "auto" {
        format!(" · {} (auto)", app.resolved_executor())
    } else {
        format!(" · {}", app.settings.executor)
    };
    left.push((exec, p.accent));
    if wide {
        left.push((
            format!(
                " · {} {} {}{}",
                app.settings.profile.as_str(),
                super::fmt_ms(app.settings.limits.timeout_ms as f64),
                super::fmt_bytes(app.settings.limits.memory_bytes()),
                if app.settings.input.is_some() {
                    " · input"
                } else {
                    ""
                }
            ),
            p.dim,
        ));
        let c = app.buffer.cursor();
        left.push((format!(" · {}:{}", c.line + 1, c.col + 1), p.dim));
    }
    // What goes right of the parts: the latest message, or key hints.
    let unseen = app.messages.unseen_warnings();
    let more = if unseen > 1 {
        format!(" (+{} · F2)", unseen - 1)
    } else {
        String::new()
    };
    let want_right = match &app.message {
        Some(m) => width(m) + width(&more),
        None => width(HINTS[3]),
    };
    // Parts are dropped (limits, position, hash, executor) until the right side fits whole;
    // the title, the dirty flag and the trust state always stay.
    // The trust state is never dropped (it is what a reviewer looks for), only cut last.
    let fixed = 1 + usize::from(app.dirty());
    let trust_at = fixed + 1;
    let total = |parts: &[(String, Style)]| parts.iter().map(|(t, _)| width(t)).sum::<usize>();
    let mut droppable: Vec<usize> = (fixed..left.len()).filter(|&i| i != trust_at).collect();
    while !droppable.is_empty() && total(&left) + 2 + want_right > w {
        // Among the droppable parts (hash, executor, limits, position): the limits first (the
        // resources pane shows them too), then the position, then the hash, the executor.
        let k = match droppable.len() {
            4 => 2,
            3 => 2,
            _ => 0,
        };
        let at = droppable.remove(k);
        left.remove(at);
        for i in droppable.iter_mut().filter(|i| **i > at) {
            *i -= 1;
        }
    }
    let used = total(&left) + 2;
    let mut spans: Vec<Span> = left
        .into_iter()
        .map(|(t, st)| Span::styled(t, st))
        .collect();
    spans.push(Span::raw("  "));
    let room = w.saturating_sub(used);
    match &app.message {
        Some(m) => {
            let mw = room.saturating_sub(width(&more));
            spans.push(Span::styled(fit(m, mw), p.warn));
            if !more.is_empty() && mw > 0 {
                spans.push(Span::styled(more, p.accent));
            }
        }
        None => {
            let hint = HINTS
                .iter()
                .find(|h| width(h) <= room)
                .map_or_else(|| fit(HINTS[5], room), |h| h.to_string());
            spans.push(Span::styled(hint, p.dim));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)).style(p.status), area);
}

/// The buffer's trust state, short: `signed by X`, `modified since signing`, `unsigned`,
/// `untrusted signer`, `invalid signature`; `…` while the text changed since it was checked
/// (its scan is pending); `required` marks `--require-signed`.
pub(crate) fn trust_label(app: &App) -> (String, TrustTone) {
    let (text, tone, checking) = match app.trust_state() {
        None => ("trust …".to_string(), TrustTone::Neutral, false),
        Some((state, checking)) => {
            let (t, tone) = match &state {
                TrustState::Signed { signer, .. } => (
                    format!(
                        "signed by {}",
                        fit(&crate::engine::text::escape(signer, false), 24)
                    ),
                    TrustTone::Good,
                ),
                TrustState::Modified { .. } => {
                    ("modified since signing".to_string(), TrustTone::Bad)
                }
                TrustState::Unsigned => ("unsigned".to_string(), TrustTone::Neutral),
                TrustState::Untrusted { .. } => ("untrusted signer".to_string(), TrustTone::Bad),
                TrustState::Invalid { .. } => ("invalid signature".to_string(), TrustTone::Bad),
            };
            let tone = if app.require_signed && !state.is_signed() {
                TrustTone::Bad
            } else {
                tone
            };
            (t, tone, checking)
        }
    };
    let required = if app.require_signed && app.size.0 >= 120 {
        " (required)"
    } else {
        ""
    };
    let pending = if checking { " …" } else { "" };
    (format!("{text}{pending}{required}"), tone)
}

/// How a trust state is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrustTone {
    Good,
    Neutral,
    Bad,
}

fn trust_part(app: &App, p: &Palette) -> (String, Style) {
    let (text, tone) = trust_label(app);
    let style = match tone {
        TrustTone::Good => p.ok,
        TrustTone::Neutral => p.dim,
        TrustTone::Bad => p.warn,
    };
    (format!(" · {text}"), style)
}
