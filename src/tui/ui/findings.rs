//! The threat panel: score gauge and verdict, findings sorted by score (confirmed ones marked),
//! details of the selected finding, metrics.

use super::focused;
use super::palette::{severity_name, Palette};
use crate::tui::app::{App, Focus};
use crate::tui::layout;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette) {
    let inner = super::draw_pane(f, area, " Threats ", focused(app, Focus::Threats), p);
    if inner.height < 4 {
        return;
    }
    let Some(report) = &app.report else {
        f.render_widget(Paragraph::new("scanning…").style(p.dim), inner);
        return;
    };
    let score = report.score.min(100);
    let vstyle = p.verdict(report.verdict);
    let gauge = Gauge::default()
        .ratio(f64::from(score) / 100.0)
        .label(format!("score {score}/100"))
        .gauge_style(vstyle.remove_modifier(Modifier::BOLD))
        .use_unicode(true);
    f.render_widget(gauge, Rect::new(inner.x, inner.y, inner.width, 1));
    let n = report.findings.len();
    let head = Line::from(vec![
        Span::styled(
            format!("{} ", report.verdict.as_str().to_uppercase()),
            vstyle,
        ),
        Span::styled(
            format!(
                "· {n} finding{}{}",
                if n == 1 { "" } else { "s" },
                if app.scan_pending() {
                    " · scanning…"
                } else {
                    ""
                }
            ),
            p.dim,
        ),
    ]);
    f.render_widget(
        Paragraph::new(head),
        Rect::new(inner.x, inner.y + 1, inner.width, 1),
    );

    let list = layout::findings_list(area);
    let rows = list.height as usize;
    let sel = app.finding_selected.min(n.saturating_sub(1));
    let first = if sel >= rows { sel + 1 - rows } else { 0 };
    let mut lines = Vec::new();
    if n == 0 {
        let msg = match &report.parse_error {
            Some(e) => format!("parse error: {e}"),
            None => "no findings: nothing here reaches the host".to_string(),
        };
        lines.push(Line::from(Span::styled(msg, p.dim)));
    }
    for (i, fnd) in report.findings.iter().enumerate().skip(first).take(rows) {
        let confirmed = app.is_confirmed(fnd);
        let mut style = p.text;
        if i == sel && app.focus == Focus::Threats {
            style = style.patch(p.selection);
        }
        lines.push(Line::from(vec![
            Span::styled(if i == sel { "▸" } else { " " }, p.accent),
            Span::styled(format!("{:>3} ", fnd.score), p.severity(fnd.severity)),
            Span::styled(
                format!("{:<9}", severity_name(fnd.severity)),
                p.severity(fnd.severity),
            ),
            Span::styled(format!("{} ", safe(fnd.rule.as_str(), 40)), style),
            Span::styled(format!("L{}", fnd.line), p.dim),
            Span::styled(
                if confirmed { " ✖ confirmed" } else { "" },
                p.error.add_modifier(Modifier::BOLD),
            ),
        ]));
    }
    let para = Paragraph::new(lines);
    // One finding per row (the mouse maps rows to findings); only the empty message wraps.
    let para = if n == 0 {
        para.wrap(Wrap { trim: true })
    } else {
        para
    };
    f.render_widget(para, list);

    let d = layout::threats_details_rows(inner);
    let drect = Rect::new(inner.x, list.y + list.height, inner.width, d);
    let mut det: Vec<Line> = Vec::new();
    if let Some(fnd) = report.findings.get(sel) {
        det.push(Line::from(vec![
            Span::styled(format!("{} ", fnd.category), p.accent),
            Span::styled(
                format!(
                    "L{}:{}–L{}:{}",
                    fnd.line, fnd.column, fnd.end_line, fnd.end_column
                ),
                p.dim,
            ),
        ]));
        if app.is_confirmed(fnd) {
            det.push(Line::from(Span::styled(
                "✖ confirmed: the run recorded a blocked attempt here",
                p.error,
            )));
        }
        det.push(Line::from(vec![
            Span::styled("why ", p.dim),
            Span::styled(safe(&fnd.message, 400), p.text),
        ]));
        if let Some(v) = &fnd.folded {
            det.push(Line::from(vec![
                Span::styled("folded ", p.dim),
                Span::styled(safe(v, 200), p.warn),
            ]));
        }
        det.push(Line::from(vec![
            Span::styled("fix ", p.dim),
            Span::styled(safe(&fnd.remediation, 400), p.ok),
        ]));
    }
    let m = &report.metrics;
    let metrics = Line::from(Span::styled(
        format!(
            "complexity {} · nesting {} · entropy {:.2} · obfuscation {}%{}",
            m.complexity,
            m.max_nesting,
            m.identifier_entropy.max(0.0),
            m.obfuscation,
            if m.minified { " · minified" } else { "" }
        ),
        p.dim,
    ));
    let body_rows = d.saturating_sub(1);
    f.render_widget(
        Paragraph::new(det).wrap(Wrap { trim: true }),
        Rect::new(drect.x, drect.y, drect.width, body_rows),
    );
    if d > 0 {
        f.render_widget(
            Paragraph::new(metrics),
            Rect::new(drect.x, drect.y + body_rows, drect.width, 1),
        );
    }
}

/// Scanner text can quote the script (folded values): escape and bound it before drawing.
fn safe(s: &str, max: usize) -> String {
    crate::engine::text::truncate(&crate::engine::text::escape(s, false), max).into_owned()
}
