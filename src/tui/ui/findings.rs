//! The threat panel: score gauge and verdict (or a failed scan), findings sorted by score
//! (confirmed ones marked), details of the selected finding wrapped to the panel, metrics
//! abbreviated to fit.

use super::focused;
use super::palette::{severity_name, Palette};
use super::{fit, wrap};
use crate::tui::app::{App, Focus};
use crate::tui::layout;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};
use ratatui::Frame;

pub(crate) fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette) {
    let inner = super::draw_pane(f, area, " Threats ", focused(app, Focus::Threats), p);
    if inner.height < 4 {
        return;
    }
    let w = inner.width as usize;
    if app.scan_failed_now() {
        let why = app.scan_failed.as_ref().map_or("", |(_, w)| w.as_str());
        let mut lines = vec![Line::from(Span::styled(
            "SCAN FAILED: verdict unknown",
            p.error.add_modifier(Modifier::BOLD),
        ))];
        for r in wrap(why, w, 4) {
            lines.push(Line::from(Span::styled(r, p.text)));
        }
        for r in wrap("A run asks first. An edit scans again.", w, 2) {
            lines.push(Line::from(Span::styled(r, p.dim)));
        }
        f.render_widget(Paragraph::new(lines), inner);
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
    let granted = crate::engine::scan::granted::granted_count(report);
    let counted = n - granted;
    let verdict = format!("{} ", report.verdict.as_str().to_uppercase());
    let rest = format!(
        "· {counted} finding{}{}{}",
        if counted == 1 { "" } else { "s" },
        match granted {
            0 => String::new(),
            g => format!(" + {g} granted"),
        },
        if app.scan_pending() {
            " · scanning…"
        } else {
            ""
        }
    );
    let head = Line::from(vec![
        Span::styled(verdict.clone(), vstyle),
        Span::styled(fit(&rest, w.saturating_sub(verdict.len())), p.dim),
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
            Some(e) => format!("parse error: {}", safe(e, 300)),
            None => "no findings: nothing here reaches the host".to_string(),
        };
        for r in wrap(&msg, w, rows.max(1)) {
            lines.push(Line::from(Span::styled(r, p.dim)));
        }
    }
    for (i, fnd) in report.findings.iter().enumerate().skip(first).take(rows) {
        let confirmed = app.is_confirmed(fnd);
        let mut style = p.text;
        if i == sel && app.focus == Focus::Threats {
            style = style.patch(p.selection);
        }
        // A wasm finding the text shown does not name has no line (see `place_wasm_findings`).
        let loc = if fnd.line == 0 {
            " —".to_string()
        } else {
            format!(" L{}", fnd.line)
        };
        let mark = if confirmed { " ✖" } else { "" };
        // Marker, score, severity: 14 cells; the rule name gets what is left.
        // Granted use: listed, not scored (the grant covers it).
        let (sev, sev_style) = match fnd.granted {
            Some(_) => (format!("{:<9}", "granted"), p.ok),
            None => (
                format!("{:<9}", severity_name(fnd.severity)),
                p.severity(fnd.severity),
            ),
        };
        let score_style = if fnd.granted.is_some() {
            p.dim
        } else {
            p.severity(fnd.severity)
        };
        let rule_w = w.saturating_sub(1 + 4 + sev.len() + loc.len() + mark.chars().count());
        lines.push(Line::from(vec![
            Span::styled(if i == sel { "▸" } else { " " }, p.accent),
            Span::styled(format!("{:>3} ", fnd.score), score_style),
            Span::styled(sev, sev_style),
            Span::styled(fit(&safe(fnd.rule.as_str(), 40), rule_w), style),
            Span::styled(loc, p.dim),
            Span::styled(mark, p.error.add_modifier(Modifier::BOLD)),
        ]));
    }
    // One finding per row (the mouse maps rows to findings).
    f.render_widget(Paragraph::new(lines), list);

    let d = layout::threats_details_rows(inner);
    let drect = Rect::new(inner.x, list.y + list.height, inner.width, d);
    let body_rows = d.saturating_sub(1) as usize;
    let mut det: Vec<(String, Style)> = Vec::new();
    if let Some(fnd) = report.findings.get(sel) {
        let at = if fnd.line == 0 {
            "no place in this text".to_string()
        } else {
            format!(
                "L{}:{}–L{}:{}",
                fnd.line, fnd.column, fnd.end_line, fnd.end_column
            )
        };
        det.push((format!("{} {at}", fnd.category), p.accent));
        if app.is_confirmed(fnd) {
            det.push((
                "✖ confirmed: the run recorded a blocked attempt here".to_string(),
                p.error,
            ));
        }
        if let Some(by) = &fnd.granted {
            det.push((format!("granted use, not scored: {}", safe(by, 300)), p.ok));
        }
        det.push((format!("why: {}", safe(&fnd.message, 400)), p.text));
        if let Some(v) = &fnd.folded {
            det.push((format!("folded: {}", safe(v, 200)), p.warn));
        }
        det.push((format!("fix: {}", safe(&fnd.remediation, 400)), p.ok));
    }
    let mut rows_out: Vec<Line> = Vec::new();
    let mut cut = false;
    for (t, st) in det {
        for r in wrap(&t, w, 40) {
            if rows_out.len() >= body_rows {
                cut = true;
                break;
            }
            rows_out.push(Line::from(Span::styled(r, st)));
        }
    }
    if cut {
        if let Some(last) = rows_out.last_mut() {
            let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
            let style = last.spans.first().map_or(p.text, |s| s.style);
            let mut t = fit(&text, w.saturating_sub(1));
            if !t.ends_with('…') {
                t.push('…');
            }
            *last = Line::from(Span::styled(t, style));
        }
    }
    f.render_widget(
        Paragraph::new(rows_out),
        Rect::new(drect.x, drect.y, drect.width, body_rows as u16),
    );
    if d > 0 {
        let m = &report.metrics;
        let minified = if m.minified { " · minified" } else { "" };
        let variants = [
            format!(
                "complexity {} · nesting {} · entropy {:.2} · obfuscation {}%{minified}",
                m.complexity,
                m.max_nesting,
                m.identifier_entropy.max(0.0),
                m.obfuscation,
            ),
            format!(
                "cx {} · nest {} · entropy {:.1} · obf {}%{minified}",
                m.complexity,
                m.max_nesting,
                m.identifier_entropy.max(0.0),
                m.obfuscation,
            ),
            format!(
                "cx {} · nest {} · obf {}%",
                m.complexity, m.max_nesting, m.obfuscation
            ),
        ];
        let metrics = variants
            .iter()
            .find(|v| super::width(v) <= w)
            .cloned()
            .unwrap_or_else(|| fit(&variants[2], w));
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(metrics, p.dim))),
            Rect::new(drect.x, drect.y + body_rows as u16, drect.width, 1),
        );
    }
}

/// Scanner text can quote the script (folded values): escape and bound it before drawing.
fn safe(s: &str, max: usize) -> String {
    crate::engine::text::truncate(&crate::engine::text::escape(s, false), max).into_owned()
}
