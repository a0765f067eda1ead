//! The results panel: value, console (with its truncation marker), error, blocked attempts
//! and run history, plus the spinner and elapsed-versus-limit gauge while a run goes. All text
//! shown here was escaped and bounded when it arrived (see `app/run.rs`).

use super::palette::Palette;
use super::{fmt_bytes, fmt_clock, fmt_ms, focused, SPINNER};
use crate::engine::exec::{ConsoleLevel, ConsoleLine, Outcome};
use crate::tui::app::{App, Focus, ResultsTab};
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette) {
    let inner = super::draw_pane(f, area, " Results ", focused(app, Focus::Results), p);
    if inner.height < 3 {
        return;
    }
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
    if let Some(live) = &app.live {
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
                .label(label)
                .gauge_style(p.accent)
                .use_unicode(true),
            status_row,
        );
    } else if let Some(last) = &app.last {
        let o = &last.outcome;
        let style = match o.outcome {
            Outcome::Ok => p.ok,
            Outcome::Timeout | Outcome::Cancelled | Outcome::Pending => p.warn,
            _ => p.error,
        };
        let line = Line::from(vec![
            Span::styled(
                o.outcome.as_str().to_string(),
                style.add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(
                    " · {} · {} · peak {} · {} blocked",
                    fmt_ms(o.duration_ms),
                    o.executor,
                    fmt_bytes(o.peak_memory_bytes),
                    o.blocked.len()
                ),
                p.dim,
            ),
        ]);
        f.render_widget(Paragraph::new(line), status_row);
    } else {
        f.render_widget(
            Paragraph::new("not run yet — F5 runs the buffer in the sandbox").style(p.dim),
            status_row,
        );
    }

    let body = Rect::new(inner.x, inner.y + 2, inner.width, inner.height - 2);
    let lines = body_lines(app, p);
    // Scrolled from the bottom for the console, from the top elsewhere.
    let rows = body.height as usize;
    let total = lines.len();
    let scroll = if app.results_tab == ResultsTab::Console {
        total
            .saturating_sub(rows)
            .saturating_sub(app.results_scroll)
    } else {
        app.results_scroll.min(total.saturating_sub(1))
    };
    let visible: Vec<Line> = lines.into_iter().skip(scroll).take(rows).collect();
    f.render_widget(Paragraph::new(visible).wrap(Wrap { trim: false }), body);
}

fn console_lines<'a>(
    lines: impl Iterator<Item = &'a ConsoleLine>,
    p: &Palette,
) -> Vec<Line<'static>> {
    lines
        .map(|l| {
            let (tag, style) = match l.level {
                ConsoleLevel::Log => ("log  ", p.dim),
                ConsoleLevel::Info => ("info ", p.accent),
                ConsoleLevel::Warn => ("warn ", p.warn),
                ConsoleLevel::Error => ("error", p.error),
                ConsoleLevel::Debug => ("debug", p.dim),
            };
            Line::from(vec![
                Span::styled(format!("{tag} "), style),
                Span::styled(l.text.clone(), p.text),
            ])
        })
        .collect()
}

fn body_lines(app: &App, p: &Palette) -> Vec<Line<'static>> {
    let last = app.last.as_ref().map(|l| &l.outcome);
    let dim = |s: &str| vec![Line::from(Span::styled(s.to_string(), p.dim))];
    match app.results_tab {
        ResultsTab::Value => match (app.is_running(), last) {
            (true, _) => dim("waiting for the run…"),
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
        ResultsTab::Console => {
            let (mut lines, truncated) = match (&app.live, last) {
                (Some(l), _) => (console_lines(l.console.iter(), p), l.console_dropped > 0),
                (None, Some(o)) => (console_lines(o.console.iter(), p), o.console_truncated),
                _ => (Vec::new(), false),
            };
            if lines.is_empty() {
                return dim("no console output");
            }
            if truncated {
                lines.push(Line::from(Span::styled(
                    "… console output truncated at the limit",
                    p.warn,
                )));
            }
            lines
        }
        ResultsTab::Error if app.is_running() => dim("running…"),
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
                    app.last
                        .as_ref()
                        .filter(|f| app.live.is_none() && f.outcome.blocked_dropped > 0)
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
                .collect()
        }
        ResultsTab::History => {
            if app.history.is_empty() {
                return dim("no runs yet");
            }
            let mut out = vec![Line::from(Span::styled(
                format!(
                    "{:<9} {:<16} {:<14} {:>9} {:>10}  code",
                    "time", "executor", "outcome", "duration", "peak mem"
                ),
                p.dim,
            ))];
            out.extend(app.history.iter().map(|h| {
                Line::from(Span::styled(
                    format!(
                        "{:<9} {:<16} {:<14} {:>9} {:>10}  {}",
                        fmt_clock(h.at_unix),
                        h.executor,
                        h.outcome.as_str(),
                        fmt_ms(h.duration_ms),
                        fmt_bytes(h.peak_memory_bytes),
                        h.code_hash
                    ),
                    p.text,
                ))
            }));
            out
        }
    }
}

/// A sentence for how a run ended.
pub fn explain(o: Outcome, timeout_ms: u64, memory_mb: u64) -> String {
    match o {
        Outcome::Ok => "the run finished".into(),
        Outcome::Error => "the script threw an uncaught error".into(),
        Outcome::Timeout => {
            format!("timeout: the script ran past its {timeout_ms} ms limit and was stopped")
        }
        Outcome::MemoryLimit => {
            format!("memory limit: the script tried to use more than {memory_mb} MB")
        }
        Outcome::StackOverflow => "stack overflow: recursion went past the stack limit".into(),
        Outcome::Pending => "the completion value is a promise that can never settle".into(),
        Outcome::Cancelled => "cancelled from the workbench".into(),
        Outcome::Crashed => "the executor failed (the workbench itself is fine)".into(),
        Outcome::Blocked => "refused by policy before running".into(),
    }
}
