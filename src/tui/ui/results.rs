//! The results panel of the buffer shown: value (strings quoted), console (everything the run
//! kept, and what was dropped where), error, blocked attempts, the diff of its last two runs
//! and its history; the spinner and elapsed-versus-limit gauge while its run goes. Results of
//! an older version of the code say they are stale. All text shown here was escaped and
//! bounded when it arrived (see `app/run.rs`).

use super::palette::Palette;
use super::{fit, fit_parts, fmt_bytes, fmt_clock, fmt_ms, focused, wrap, SPINNER};
use crate::engine::exec::{ConsoleLevel, ConsoleLine, Outcome};
use crate::engine::text;
use crate::tui::app::{App, FinishedRun, Focus, Freshness, ResultsTab};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};
use ratatui::Frame;

pub(crate) fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette) {
    let inner = super::draw_pane(f, area, " Results ", focused(app, Focus::Results), p);
    if inner.height < 3 {
        return;
    }
    let w = inner.width as usize;
    let mut tabs = Vec::new();
    for (t, label) in app.results_tabs() {
        let style = if t == app.results_tab {
            p.accent.add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            p.dim
        };
        tabs.push(Span::styled(label, style));
        tabs.push(Span::styled("│", p.border));
    }
    f.render_widget(
        Paragraph::new(Line::from(tabs)),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );

    let status_row = Rect::new(inner.x, inner.y + 1, inner.width, 1);
    let fresh = app.results_freshness();
    if let Some(live) = app.live_here() {
        let elapsed = live.elapsed_ms();
        let limit = live.limits.timeout_ms as f64;
        let label = format!(
            "{} {} on {} · {} / {}{}",
            SPINNER[app.spinner % SPINNER.len()],
            if live.cancelling {
                "cancelling"
            } else {
                "running"
            },
            live.executor,
            fmt_ms(elapsed),
            fmt_ms(limit),
            if live.cancelling {
                ""
            } else {
                " · Esc cancels"
            }
        );
        f.render_widget(
            Gauge::default()
                .ratio((elapsed / limit.max(1.0)).clamp(0.0, 1.0))
                .label(fit(&label, w))
                .gauge_style(p.accent)
                .use_unicode(true),
            status_row,
        );
    } else if let Some(last) = &app.runs.last {
        let o = &last.outcome;
        let style = match o.outcome {
            Outcome::Ok => p.ok,
            Outcome::Timeout | Outcome::Cancelled | Outcome::Pending => p.warn,
            _ => p.error,
        };
        let mut parts: Vec<(String, Style)> = vec![(
            o.outcome.as_str().to_string(),
            style.add_modifier(Modifier::BOLD),
        )];
        if fresh == Freshness::Stale {
            parts.push(("stale: code edited since this run".into(), p.warn));
        }
        parts.push((fmt_ms(o.duration_ms), p.dim));
        parts.push((format!("heap peak {}", last.heap_peak_label()), p.dim));
        if let Some(rss) = last.trace.rss_peak {
            parts.push((format!("worker RSS peak {}", fmt_bytes(rss)), p.dim));
        }
        parts.push((format!("{} blocked", o.blocked.len()), p.dim));
        parts.push((o.executor.clone(), p.dim));
        f.render_widget(Paragraph::new(Line::from(fit_parts(&parts, w))), status_row);
    } else {
        f.render_widget(
            Paragraph::new(fit("not run yet — F5 runs it in the sandbox", w)).style(p.dim),
            status_row,
        );
    }
    if let Some(other) = app.live.as_ref().filter(|l| l.origin != app.origin) {
        // A run of another buffer is going: said where this buffer's status would go when
        // there is nothing of its own to show.
        if app.runs.last.is_none() {
            let t = format!(
                "a run of {} is going · Esc cancels it",
                other.origin.describe()
            );
            f.render_widget(Paragraph::new(fit(&t, w)).style(p.warn), status_row);
        }
    }

    let body = Rect::new(inner.x, inner.y + 2, inner.width, inner.height - 2);
    let rows = body.height as usize;
    match app.results_tab {
        ResultsTab::Console => {
            let lines = console_window(app, p, w, rows);
            f.render_widget(Paragraph::new(lines), body);
        }
        ResultsTab::Diff => {
            let lines = diff_window(app, p, w, rows);
            f.render_widget(Paragraph::new(lines), body);
        }
        _ => {
            let lines = body_lines(app, p);
            let total = lines.len();
            let scroll = app.results_scroll.min(total.saturating_sub(1));
            let visible: Vec<Line> = lines.into_iter().skip(scroll).take(rows).collect();
            f.render_widget(Paragraph::new(visible).wrap(Wrap { trim: false }), body);
        }
    }
}

fn tag(l: &ConsoleLine, p: &Palette) -> (&'static str, Style) {
    match l.level {
        ConsoleLevel::Log => ("log  ", p.dim),
        ConsoleLevel::Info => ("info ", p.accent),
        ConsoleLevel::Warn => ("warn ", p.warn),
        ConsoleLevel::Error => ("error", p.error),
        ConsoleLevel::Debug => ("debug", p.dim),
    }
}

/// The console rows that fit, counted from its end (`results_scroll` lines up from the last):
/// only the lines on screen are wrapped, so a 10,000-line console costs what is visible.
fn console_window(app: &App, p: &Palette, w: usize, rows: usize) -> Vec<Line<'static>> {
    let (lines, notes): (Vec<&ConsoleLine>, Vec<String>) = match (app.live_here(), &app.runs.last) {
        (Some(l), _) => {
            let mut notes = Vec::new();
            if l.console_dropped > 0 {
                notes.push(format!(
                    "… {} more lines arrived after line {} and were not kept (the workbench keeps at most {} lines / {})",
                    l.console_dropped,
                    l.console.len(),
                    crate::tui::app::MAX_CONSOLE_LINES,
                    fmt_bytes(crate::tui::app::MAX_CONSOLE_BYTES as u64)
                ));
            }
            (l.console.iter().collect(), notes)
        }
        (None, Some(f)) => (f.outcome.console.iter().collect(), console_notes(f)),
        _ => (Vec::new(), Vec::new()),
    };
    if lines.is_empty() && notes.is_empty() {
        return vec![Line::from(Span::styled("no console output", p.dim))];
    }
    let text_w = w.saturating_sub(6).max(1);
    // Logical entries: the console lines, then the notes; walk back from the end.
    let total = lines.len() + notes.len();
    let end = total.saturating_sub(app.results_scroll.min(total.saturating_sub(1)));
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut i = end;
    while i > 0 && out.len() < rows {
        i -= 1;
        let mut block: Vec<Line<'static>> = Vec::new();
        if i < lines.len() {
            let l = lines[i];
            let (t, st) = tag(l, p);
            for (k, r) in wrap(&l.text, text_w, rows.max(1)).into_iter().enumerate() {
                let lead = if k == 0 {
                    format!("{t} ")
                } else {
                    "      ".to_string()
                };
                block.push(Line::from(vec![
                    Span::styled(lead, st),
                    Span::styled(r, p.text),
                ]));
            }
        } else {
            for r in wrap(&notes[i - lines.len()], w, rows.max(1)) {
                block.push(Line::from(Span::styled(r, p.warn)));
            }
        }
        for l in block.into_iter().rev() {
            out.push(l);
        }
    }
    out.reverse();
    let skip = out.len().saturating_sub(rows);
    out.into_iter().skip(skip).collect()
}

/// What a finished run did not keep of its console, and where. (The workbench runs with the
/// default console limits.)
fn console_notes(f: &FinishedRun) -> Vec<String> {
    let o = &f.outcome;
    let mut notes = Vec::new();
    if o.console_truncated {
        // The engine's own marker line is not one of the script's.
        let marker = o
            .console
            .last()
            .is_some_and(|l| l.text.starts_with("[console output truncated"));
        let kept = o.console.len() - usize::from(marker);
        notes.push(format!(
            "… the run kept {kept} lines (its limit: {} lines or {}); later output was not recorded",
            crate::engine::policy::DEFAULT_CONSOLE_MAX_LINES,
            fmt_bytes(crate::engine::policy::DEFAULT_CONSOLE_MAX_BYTES as u64)
        ));
    }
    if f.console_dropped > 0 {
        notes.push(format!(
            "… the workbench kept the first {} lines; {} more were dropped (its own bound)",
            o.console.len(),
            f.console_dropped
        ));
    }
    notes
}

fn diff_window(app: &App, p: &Palette, w: usize, rows: usize) -> Vec<Line<'static>> {
    if app.runs.run_diff.is_empty() {
        let n = app.runs.history.len();
        let msg = format!(
            "the diff compares the last two runs of this buffer (value, console, blocked, usage): {} so far",
            if n == 1 { "1 run".to_string() } else { format!("{n} runs") }
        );
        return wrap(&msg, w, rows)
            .into_iter()
            .map(|r| Line::from(Span::styled(r, p.dim)))
            .collect();
    }
    let scroll = app
        .results_scroll
        .min(app.runs.run_diff.len().saturating_sub(1));
    app.runs
        .run_diff
        .iter()
        .skip(scroll)
        .take(rows)
        .map(|r| super::recovery::diff_line(r, w, p))
        .collect()
}

fn body_lines(app: &App, p: &Palette) -> Vec<Line<'static>> {
    let last = app.runs.last.as_ref().map(|l| &l.outcome);
    let dim = |s: &str| vec![Line::from(Span::styled(s.to_string(), p.dim))];
    let running = app.live_here().is_some();
    match app.results_tab {
        ResultsTab::Value => match (running, last) {
            (true, _) => dim("waiting for the run…"),
            (false, None) if app.language().is_wasm() => {
                dim("a module's _start returns no value: what it prints is on the Console tab")
            }
            (false, None) => dim("the completion value of the script appears here"),
            (false, Some(o)) => {
                let mut out: Vec<Line> = if o.outcome == Outcome::Ok {
                    o.value_display
                        .lines()
                        .map(|l| Line::from(Span::styled(l.to_string(), p.text)))
                        .collect()
                } else {
                    dim(&format!(
                        "no value: the run ended with {}",
                        o.outcome.as_str()
                    ))
                };
                if !o.blocked.is_empty() {
                    out.push(Line::from(Span::styled(
                        format!(
                            "⊘ {} blocked attempt{} — see the Blocked tab",
                            o.blocked.len(),
                            if o.blocked.len() == 1 { "" } else { "s" }
                        ),
                        p.error,
                    )));
                }
                out
            }
        },
        ResultsTab::Error if running => dim("running…"),
        ResultsTab::Error => match last {
            Some(o) if o.error.is_some() || o.outcome != Outcome::Ok => {
                let mut out = vec![Line::from(Span::styled(
                    explain(o.outcome, o.limits.timeout_ms, o.limits.memory_mb),
                    p.warn,
                ))];
                if let Some(e) = &o.error {
                    out.push(Line::from(vec![
                        Span::styled(
                            format!("{}: ", e.name),
                            p.error.add_modifier(Modifier::BOLD),
                        ),
                        Span::styled(e.message.clone(), p.text),
                    ]));
                    out.extend(
                        e.stack
                            .lines()
                            .map(|l| Line::from(Span::styled(l.to_string(), p.dim))),
                    );
                }
                out
            }
            _ => dim("no error"),
        },
        ResultsTab::Blocked => {
            let list = app.blocked_list();
            if list.is_empty() {
                return dim("no blocked attempts: the script asked the host for nothing");
            }
            list.iter()
                .enumerate()
                .map(|(i, b)| {
                    let sel = i == app.blocked_selected && app.focus == Focus::Results;
                    let loc = match (b.line, b.column) {
                        (Some(l), Some(c)) => format!("L{l}:{c}"),
                        (Some(l), None) => format!("L{l}"),
                        _ => "L?".to_string(),
                    };
                    let mut name = p.error.add_modifier(Modifier::BOLD);
                    if sel {
                        name = name.patch(p.selection);
                    }
                    Line::from(vec![
                        Span::styled(if sel { "▸" } else { "⊘" }, p.error),
                        Span::styled(format!(" {} ", b.capability), name),
                        Span::styled(format!("{} ", b.category), p.accent),
                        Span::styled(format!("{loc} "), p.dim),
                        Span::styled(b.message.clone(), p.text),
                        Span::styled(
                            if b.count > 1 {
                                format!(" ×{}", b.count)
                            } else {
                                String::new()
                            },
                            p.accent,
                        ),
                    ])
                })
                .chain(
                    app.runs
                        .last
                        .as_ref()
                        .filter(|f| !running && f.outcome.blocked_dropped > 0)
                        .map(|f| {
                            Line::from(Span::styled(
                                format!(
                                    "… {} more blocked attempts not recorded (per-run cap)",
                                    f.outcome.blocked_dropped
                                ),
                                p.dim,
                            ))
                        }),
                )
                .chain(std::iter::once(Line::from(Span::styled(
                    "g grant this (next run, asks first) · Enter go to its line · F9 permissions",
                    p.dim,
                ))))
                .collect()
        }
        ResultsTab::History => history_lines(app, p),
        ResultsTab::Console | ResultsTab::Diff => Vec::new(),
    }
}

/// The History tab: the last runs in the audit log (all sources, newest first; it survives a
/// restart) under the figures `sandbench stats` gives for exactly those runs. Without an
/// audit log, this session's runs of the buffer.
fn history_lines(app: &App, p: &Palette) -> Vec<Line<'static>> {
    let dim = |s: String| Line::from(Span::styled(s, p.dim));
    let view = match &app.audit {
        Some(Ok(v)) => v,
        other => {
            let mut out = vec![dim(match other {
                Some(Err(e)) => format!("the audit log cannot be read: {e}"),
                _ => "no audit log (no data directory): runs are not recorded".to_string(),
            })];
            out.extend(session_history(app, p));
            return out;
        }
    };
    let mut out = Vec::new();
    let mut tail = Vec::new();
    match &view.stats {
        None => out.push(dim(format!(
            "no runs in the audit log yet ({})",
            text::escape(&view.path.display().to_string(), false)
        ))),
        Some(st) => {
            let counts = |m: &std::collections::BTreeMap<String, u64>| {
                m.iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(" · ")
            };
            out.push(Line::from(Span::styled(
                format!("{} runs: {}", st.runs, counts(&st.outcomes)),
                p.text,
            )));
            tail.push(dim(format!(
                "duration p50 {} · p95 {} · max {}",
                fmt_ms(st.duration_ms.p50),
                fmt_ms(st.duration_ms.p95),
                fmt_ms(st.duration_ms.max),
            )));
            let blocked = if st.blocked_by_category.is_empty() {
                "none".to_string()
            } else {
                counts(&st.blocked_by_category)
            };
            // After the runs: the rest of what `sandbench stats` says about them.
            tail.push(dim(format!(
                "as `sandbench stats` for these runs: heap peak max {} · blocked attempts {} ({blocked}) · verdicts {} · trust {}",
                fmt_bytes(st.peak_memory_bytes.max as u64),
                st.blocked_total,
                counts(&st.verdicts),
                counts(&st.trust)
            )));
        }
    }
    if view.unreadable > 0 {
        tail.push(Line::from(Span::styled(
            format!(
                "{} malformed audit line(s) skipped (`sandbench audit verify` checks the log)",
                view.unreadable
            ),
            p.warn,
        )));
    }
    if view.runs.is_empty() {
        out.extend(tail);
        return out;
    }
    out.push(dim(format!(
        "{:<11} {:<9} {:>8} {:<9} file",
        "time (UTC)", "outcome", "duration", "trust"
    )));
    out.extend(view.runs.iter().rev().map(|r| {
        let time = r.time.get(5..16).unwrap_or(&r.time).replace('T', " ");
        let file = r.file.rsplit('/').next().unwrap_or(&r.file);
        // Runs from the command line are marked; the workbench's are not.
        let from = match r.source.as_str() {
            "workbench" => String::new(),
            other => format!(" ({})", text::truncate(&text::escape(other, false), 12)),
        };
        let style = match r.outcome {
            Outcome::Ok => p.text,
            _ => p.warn,
        };
        Line::from(Span::styled(
            format!(
                "{:<11} {:<9} {:>8} {:<9} {}{from}",
                time,
                r.outcome.as_str(),
                fmt_ms(r.duration_ms),
                text::truncate(&text::escape(r.trust.as_deref().unwrap_or("—"), false), 9),
                text::truncate(&text::escape(file, false), 60),
            ),
            style,
        ))
    }));
    out.extend(tail);
    out
}

/// This session's runs of the buffer (when there is no audit log to show).
fn session_history(app: &App, p: &Palette) -> Vec<Line<'static>> {
    if app.runs.history.is_empty() {
        return vec![Line::from(Span::styled(
            "no runs of this buffer yet".to_string(),
            p.dim,
        ))];
    }
    let mut out = vec![Line::from(Span::styled(
        format!(
            "{:<9} {:<16} {:<14} {:>9} {:>10}  code",
            "time", "executor", "outcome", "duration", "heap peak"
        ),
        p.dim,
    ))];
    out.extend(app.runs.history.iter().map(|h| {
        let peak = match h.peak_memory_bytes {
            0 => "—".to_string(),
            b => fmt_bytes(b),
        };
        Line::from(Span::styled(
            format!(
                "{:<9} {:<16} {:<14} {:>9} {:>10}  {}",
                fmt_clock(h.at_unix),
                h.executor,
                h.outcome.as_str(),
                fmt_ms(h.duration_ms),
                peak,
                h.code_hash
            ),
            p.text,
        ))
    }));
    out
}

/// A sentence for how a run ended.
pub(crate) fn explain(o: Outcome, timeout_ms: u64, memory_mb: u64) -> String {
    match o {
        Outcome::Ok => "the run finished".into(),
        Outcome::Error => "the script threw an uncaught error".into(),
        Outcome::Timeout => {
            format!("timeout: the script ran past its {timeout_ms} ms limit and was stopped")
        }
        Outcome::MemoryLimit => {
            format!("memory limit: the script's heap reached its {memory_mb} MB limit")
        }
        Outcome::StackOverflow => "stack overflow: recursion went past the stack limit".into(),
        Outcome::Pending => "the completion value is a promise that can never settle".into(),
        Outcome::Cancelled => "cancelled from the workbench".into(),
        Outcome::Crashed => "the executor failed (the workbench itself is fine)".into(),
        Outcome::Blocked => "refused by policy before running".into(),
    }
}
