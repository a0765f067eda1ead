//! Resource graphs of this buffer's run (the one going, or its last): memory — the sandbox
//! heap under its limit in process, the worker's RSS (named so) out of process — and CPU as
//! braille charts; duration and heap peak across this buffer's recent runs.

use super::palette::Palette;
use super::{fmt_bytes, fmt_ms};
use crate::engine::exec::{MemoryKind, Sample};
use crate::tui::app::{App, SampleTrace};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Sparkline};
use ratatui::Frame;
use std::collections::VecDeque;

/// CPU use between consecutive samples, in percent of one core.
fn cpu_points(samples: &VecDeque<Sample>) -> Vec<(f64, f64)> {
    samples
        .iter()
        .zip(samples.iter().skip(1))
        .map(|(a, b)| {
            let dt = (b.elapsed_ms - a.elapsed_ms).max(0.001);
            let dc = (b.cpu_ms - a.cpu_ms).max(0.0);
            (b.elapsed_ms, (dc / dt * 100.0).clamp(0.0, 100.0))
        })
        .collect()
}

/// A line chart of `data` (in `style`) under its `limit` line, from 0 to `max` on both axes.
fn chart<'a>(
    limit: &'a [(f64, f64)],
    data: &'a [(f64, f64)],
    style: Style,
    max: [f64; 2],
    p: &Palette,
) -> Chart<'a> {
    let line = |points: &'a [(f64, f64)], style: Style| {
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(style)
            .data(points)
    };
    Chart::new(vec![line(limit, p.graph_limit()), line(data, style)])
        .x_axis(Axis::default().bounds([0.0, max[0]]))
        .y_axis(Axis::default().bounds([0.0, max[1]]))
}

pub(crate) fn render(app: &App, f: &mut Frame, area: Rect, p: &Palette) {
    let inner = super::draw_pane(f, area, " Resources ", false, p);
    if inner.height < 4 || inner.width < 10 {
        return;
    }
    // This buffer's run: the one going, or its last.
    let idle = SampleTrace::default();
    let (trace, limit_mb, heap_peak) = match (app.live_here(), &app.runs.last) {
        (Some(l), _) => (&l.trace, l.limits.memory_mb, None),
        (None, Some(r)) => (
            &r.trace,
            r.outcome.limits.memory_mb,
            Some(r.heap_peak_label()),
        ),
        _ => (&idle, app.settings.limits.memory_mb, None),
    };
    let samples = &trace.samples;
    let (kind, rss_peak) = (trace.memory_kind, trace.rss_peak);
    let hist_rows: u16 = if inner.height >= 10 { 2 } else { 1 };
    let chart_rows = inner.height - hist_rows;
    let mem_h = chart_rows.div_ceil(2);
    let cpu_h = chart_rows - mem_h;
    let t_max = samples.back().map_or(1.0, |s| s.elapsed_ms).max(1.0);
    let limit = limit_mb as f64;

    let mem: Vec<(f64, f64)> = samples
        .iter()
        .map(|s| (s.elapsed_ms, s.memory_bytes as f64 / (1024.0 * 1024.0)))
        .collect();
    let top = mem.iter().map(|m| m.1).fold(0.0, f64::max);
    // One definition of peak memory: the sandbox heap (the run's report). Out of process the
    // live curve is the worker's RSS, named as such, and the heap limit is not drawn over it
    // (RSS includes the engine itself and may pass the heap limit legitimately).
    let (limit_line, y_max): (Vec<(f64, f64)>, f64) = match kind {
        MemoryKind::Heap => (vec![(0.0, limit), (t_max, limit)], limit.max(1.0)),
        MemoryKind::Rss => (Vec::new(), (top * 1.1).max(limit).max(1.0)),
    };
    let w = inner.width as usize;
    let mem_label = match (kind, &heap_peak, samples.is_empty()) {
        (MemoryKind::Heap, None, true) => format!("heap — / {limit_mb} MB"),
        (MemoryKind::Heap, None, false) => {
            format!(
                "heap {} / {limit_mb} MB",
                fmt_bytes((top * 1024.0 * 1024.0) as u64)
            )
        }
        (MemoryKind::Heap, Some(peak), _) => format!("heap peak {peak} / {limit_mb} MB"),
        (MemoryKind::Rss, None, _) => format!(
            "worker RSS {} (heap limit {limit_mb} MB)",
            fmt_bytes(rss_peak.unwrap_or(0))
        ),
        (MemoryKind::Rss, Some(peak), _) => format!(
            "heap peak {peak} / {limit_mb} MB · worker RSS peak {}",
            fmt_bytes(rss_peak.unwrap_or(0))
        ),
    };
    let mem_chart = chart(&limit_line, &mem, p.graph_memory(), [t_max, y_max], p);
    f.render_widget(mem_chart, Rect::new(inner.x, inner.y, inner.width, mem_h));
    f.render_widget(
        Paragraph::new(Span::styled(super::fit(&mem_label, w), p.dim)),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );

    if cpu_h > 0 {
        let cpu = cpu_points(samples);
        let cur = cpu.last().map_or(0.0, |c| c.1);
        let full = [(0.0, 100.0), (t_max, 100.0)];
        let cpu_chart = chart(&full, &cpu, p.graph_cpu(), [t_max, 100.0], p);
        let r = Rect::new(inner.x, inner.y + mem_h, inner.width, cpu_h);
        f.render_widget(cpu_chart, r);
        f.render_widget(
            Paragraph::new(Span::styled(
                if samples.len() < 2 {
                    "cpu —".to_string()
                } else {
                    format!("cpu {cur:.0}% · {}", fmt_ms(t_max))
                },
                p.dim,
            )),
            Rect::new(r.x, r.y, r.width, 1),
        );
    }

    // Across recent runs, oldest first.
    let runs: Vec<_> = app.runs.history.iter().rev().collect();
    let label_w = 6u16;
    let row = |i: u16| Rect::new(inner.x, inner.y + chart_rows + i, inner.width, 1);
    let spark = |values: Vec<u64>, style: Style, label: &str, r: Rect, f: &mut Frame| {
        f.render_widget(Paragraph::new(Span::styled(label.to_string(), p.dim)), r);
        let sr = Rect::new(r.x + label_w, r.y, r.width.saturating_sub(label_w), 1);
        let n = sr.width as usize;
        let values: Vec<u64> = values[values.len().saturating_sub(n)..].to_vec();
        f.render_widget(Sparkline::default().data(&values).style(style), sr);
    };
    if runs.is_empty() {
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(
                "runs of this buffer: none yet",
                p.dim,
            ))),
            row(0),
        );
    } else {
        spark(
            runs.iter()
                .map(|h| h.duration_ms.max(0.0) as u64 + 1)
                .collect(),
            p.accent,
            "time",
            row(0),
            f,
        );
        if hist_rows > 1 {
            spark(
                runs.iter()
                    .map(|h| h.peak_memory_bytes / 1024 + 1)
                    .collect(),
                p.warn,
                "heap",
                row(1),
                f,
            );
        }
    }
}
