//! The executor selector: every executor with availability and reason, `auto` marked,
//! warnings for weaker ones; this buffer's limits, profile and `input`, editable in place
//! within the policy bounds, and where the settings came from. Long reasons wrap; a list
//! taller than the screen scrolls to keep the selected row in view.

use super::palette::Palette;
use super::{fit, wrap};
use crate::tui::app::{App, LimitField};
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub(crate) fn render(
    app: &App,
    f: &mut Frame,
    area: Rect,
    p: &Palette,
    row: usize,
    edit: Option<&str>,
    error: Option<&str>,
) {
    let w = 100.min(area.width.saturating_sub(4));
    let iw = w.saturating_sub(2) as usize;
    // (line, the selector row it belongs to)
    let mut lines: Vec<(Line, Option<usize>)> = Vec::new();
    let cursor = |i: usize| if i == row { "▸ " } else { "  " };
    let sel = |i: usize, s: ratatui::style::Style| if i == row { s.patch(p.selection) } else { s };
    let chosen = |name: &str| app.settings.executor == name;
    lines.push((
        Line::from(vec![
            Span::styled(cursor(0), p.accent),
            Span::styled(if chosen("auto") { "(•) " } else { "( ) " }, p.accent),
            Span::styled("auto", sel(0, p.title)),
            Span::styled(
                fit(
                    &if app.language().is_wasm() {
                        format!(
                            "  → {} (the only executor for {})",
                            app.auto_here(),
                            app.language().describe()
                        )
                    } else {
                        format!("  → {} (the strongest available)", app.auto_here())
                    },
                    iw.saturating_sub(10),
                ),
                p.dim,
            ),
        ]),
        Some(0),
    ));
    for (i, e) in app.executors.iter().enumerate() {
        let idx = i + 1;
        // Availability for this buffer: an executor that works here but cannot run this
        // kind of code is unavailable, and its line says why.
        let here = app.runs_here(e);
        let avail = match (&here, e.available) {
            (Ok(()), _) => Span::styled("available", p.ok),
            (Err(_), true) => Span::styled("unavailable for this buffer", p.error),
            (Err(_), false) => Span::styled("unavailable", p.error),
        };
        let auto = if e.name == app.auto_here() {
            "  ← auto"
        } else {
            ""
        };
        lines.push((
            Line::from(vec![
                Span::styled(cursor(idx), p.accent),
                Span::styled(if chosen(&e.name) { "(•) " } else { "( ) " }, p.accent),
                Span::styled(
                    format!("{:<18}", fit(&e.name, 18)),
                    sel(idx, p.text.add_modifier(Modifier::BOLD)),
                ),
                avail,
                Span::styled(format!("  strength {}", e.strength), p.dim),
                Span::styled(auto, p.accent),
            ]),
            Some(idx),
        ));
        let mut detail = match &here {
            Err(why) if e.available => why.clone(),
            _ => e.reason.clone(),
        };
        if let Some(wn) = e.warning.as_ref().filter(|_| here.is_ok()) {
            detail.push_str(&format!(" · ⚠ {wn}"));
        }
        let style = if e.warning.is_some() { p.warn } else { p.dim };
        for r in wrap(&detail, iw.saturating_sub(6), 4) {
            lines.push((
                Line::from(vec![Span::raw("      "), Span::styled(r, style)]),
                Some(idx),
            ));
        }
    }
    lines.push((
        Line::from(Span::styled(
            fit(
                &format!(
                    "  Run settings of {} — {}",
                    app.title,
                    app.settings_source.describe()
                ),
                iw,
            ),
            p.title,
        )),
        None,
    ));
    let base = 1 + app.executors.len();
    for (i, field) in LimitField::ALL.iter().enumerate() {
        let idx = base + i;
        let value = match edit {
            Some(e) if idx == row => format!("{e}▏"),
            _ => field.value(
                &app.settings.limits,
                app.settings.profile,
                app.settings.input.as_ref(),
            ),
        };
        let value = fit(&value, 28);
        // A wasm run takes the CPU, wall, memory and stack limits (memory: the module's
        // linear memories and tables); the JS profile and `input` mean nothing to it.
        let wasm = app.language().is_wasm();
        let bounds = match field {
            LimitField::Profile | LimitField::Input if wasm => "not used by a wasm run".to_string(),
            _ => format!("({})", field.bounds()),
        };
        let label = match field {
            LimitField::Memory if wasm => "memory (linear)",
            _ => field.label(),
        };
        let room = iw.saturating_sub(2 + 16 + 30);
        lines.push((
            Line::from(vec![
                Span::styled(cursor(idx), p.accent),
                Span::styled(format!("{label:<16}"), sel(idx, p.text)),
                Span::styled(
                    format!("{value:<30}"),
                    p.accent.add_modifier(Modifier::BOLD),
                ),
                Span::styled(fit(&bounds, room), p.dim),
            ]),
            Some(idx),
        ));
    }
    lines.push((Line::from(""), None));
    let foot = match error {
        Some(e) => (format!("✖ {e}"), p.error),
        None => (
            "digits then Enter set a limit; out-of-range values are refused, never clamped. Settings of a file are saved for it."
                .to_string(),
            p.dim,
        ),
    };
    for r in wrap(&foot.0, iw.saturating_sub(2), 3) {
        lines.push((Line::from(Span::styled(format!("  {r}"), foot.1)), None));
    }
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let r = super::centered(area, w, h);
    let inner = super::dialog(
        f,
        r,
        " Executor and limits — Enter choose · ←/→ adjust · Esc close ",
        p,
    );
    let rows = inner.height as usize;
    // Scroll so the selected row's first line is in view.
    let at = lines.iter().position(|(_, r)| *r == Some(row)).unwrap_or(0);
    let first = at
        .saturating_sub(rows.saturating_sub(2))
        .min(lines.len().saturating_sub(rows));
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(first)
        .take(rows)
        .map(|(l, _)| l)
        .collect();
    f.render_widget(Paragraph::new(shown), inner);
}
