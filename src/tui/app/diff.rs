//! Line diffs for the workbench: a recovery copy against the text it would replace, and the
//! last two runs of a buffer (value, console, blocked attempts, usage) — the way a reviewer
//! compares a patched plugin with the original. Computed once, when the texts arrive, never
//! while drawing; bounded in time and rows. Everything shown was escaped here.

use super::run::FinishedRun;
use super::MAX_LINE_CHARS;
use crate::engine::exec::{BlockedAttempt, ConsoleLevel};
use crate::engine::{hash, text};
use std::collections::BTreeMap;
use std::time::Duration;

/// Unchanged lines shown around each change.
pub(super) const CONTEXT: usize = 2;
/// Most rows a diff keeps (the rest is counted in a last row).
pub(super) const MAX_ROWS: usize = 5_000;
/// The diff algorithm gives up on finding the smallest diff after this long (the result is
/// still a correct diff, only a longer one).
const TIMEOUT: Duration = Duration::from_millis(200);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    Same,
    Added,
    Removed,
    /// `@@ line N @@`, a section title.
    Heading,
    /// A sentence about the comparison (`same`, `… N more rows`).
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    pub kind: DiffKind,
    pub text: String,
}

impl DiffRow {
    fn new(kind: DiffKind, text: impl Into<String>) -> Self {
        DiffRow {
            kind,
            text: text.into(),
        }
    }
}

fn clean(s: &str) -> String {
    text::truncate(&text::escape(s, false), MAX_LINE_CHARS).into_owned()
}

/// The changes from `old` to `new`, line by line, with [`CONTEXT`] lines around each.
pub(super) fn text_diff(old: &str, new: &str) -> Vec<DiffRow> {
    let mut rows = Vec::new();
    lines_diff(old, new, &mut rows);
    if rows.is_empty() {
        rows.push(DiffRow::new(DiffKind::Note, "no difference"));
    }
    bound(rows)
}

fn lines_diff(old: &str, new: &str, rows: &mut Vec<DiffRow>) {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::configure().timeout(TIMEOUT).diff_lines(old, new);
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (o, n) = (first.old_range().start, first.new_range().start);
        let (oe, ne) = (last.old_range().end, last.new_range().end);
        rows.push(DiffRow::new(
            DiffKind::Heading,
            format!("@@ -{},{} +{},{} @@", o + 1, oe - o, n + 1, ne - n),
        ));
        for op in &group {
            for change in diff.iter_changes(op) {
                let kind = match change.tag() {
                    ChangeTag::Equal => DiffKind::Same,
                    ChangeTag::Delete => DiffKind::Removed,
                    ChangeTag::Insert => DiffKind::Added,
                };
                let line = change.value();
                let line = line.strip_suffix('\n').unwrap_or(line);
                rows.push(DiffRow::new(kind, clean(line)));
            }
        }
        if rows.len() > MAX_ROWS {
            return;
        }
    }
}

fn bound(mut rows: Vec<DiffRow>) -> Vec<DiffRow> {
    if rows.len() > MAX_ROWS {
        let more = rows.len() - MAX_ROWS;
        rows.truncate(MAX_ROWS);
        rows.push(DiffRow::new(
            DiffKind::Note,
            format!("… {more} more rows not shown"),
        ));
    }
    rows
}

fn fmt_ms(ms: f64) -> String {
    crate::tui::ui::fmt_ms(ms)
}

fn fmt_bytes(b: u64) -> String {
    crate::tui::ui::fmt_bytes(b)
}

/// One measurement, before → after.
fn usage_row(name: &str, before: String, after: String) -> DiffRow {
    if before == after {
        DiffRow::new(DiffKind::Same, format!("{name:<16}{after}"))
    } else {
        DiffRow::new(DiffKind::Note, format!("{name:<16}{before} → {after}"))
    }
}

fn blocked_key(b: &BlockedAttempt) -> String {
    let loc = match (b.line, b.column) {
        (Some(l), Some(c)) => format!("L{l}:{c}"),
        (Some(l), None) => format!("L{l}"),
        _ => "L?".to_string(),
    };
    format!("{} {} {loc}", b.capability, b.category)
}

fn console_text(run: &FinishedRun) -> String {
    let mut s = String::new();
    for l in &run.outcome.console {
        let tag = match l.level {
            ConsoleLevel::Log => "log",
            ConsoleLevel::Info => "info",
            ConsoleLevel::Warn => "warn",
            ConsoleLevel::Error => "error",
            ConsoleLevel::Debug => "debug",
        };
        s.push_str(&format!("{tag:<5} {}\n", l.text));
    }
    s
}

/// The run `before` against the run `after` (both of one buffer), section by section.
pub(super) fn run_diff(before: &FinishedRun, after: &FinishedRun) -> Vec<DiffRow> {
    let (a, b) = (&before.outcome, &after.outcome);
    let head = |rows: &mut Vec<DiffRow>, t: &str| rows.push(DiffRow::new(DiffKind::Heading, t));
    // What the run did comes first (value, error, console, blocked), then how it ran (run,
    // usage), under a one-line summary: a small pane shows what changed without scrolling.
    let mut changed: Vec<&str> = Vec::new();
    let mut rows = Vec::new();
    head(&mut rows, "run");
    let code = if a.code_sha256 == b.code_sha256 {
        format!("same code ({})", hash::short(&b.code_sha256))
    } else {
        format!(
            "code changed: {} → {}",
            hash::short(&a.code_sha256),
            hash::short(&b.code_sha256)
        )
    };
    rows.push(DiffRow::new(DiffKind::Note, code));
    rows.push(usage_row(
        "outcome",
        a.outcome.as_str().to_string(),
        b.outcome.as_str().to_string(),
    ));
    rows.push(usage_row(
        "executor",
        a.executor.clone(),
        b.executor.clone(),
    ));

    head(&mut rows, "usage");
    rows.push(usage_row(
        "duration",
        fmt_ms(a.duration_ms),
        fmt_ms(b.duration_ms),
    ));
    rows.push(usage_row("cpu", fmt_ms(a.cpu_ms), fmt_ms(b.cpu_ms)));
    rows.push(usage_row(
        "heap peak",
        before.heap_peak_label(),
        after.heap_peak_label(),
    ));
    if before.trace.rss_peak.is_some() || after.trace.rss_peak.is_some() {
        let rss = |r: &FinishedRun| r.trace.rss_peak.map_or("—".to_string(), fmt_bytes);
        rows.push(usage_row("worker RSS peak", rss(before), rss(after)));
    }
    rows.push(usage_row(
        "memory limit",
        format!("{} MB", a.limits.memory_mb),
        format!("{} MB", b.limits.memory_mb),
    ));

    let how = std::mem::take(&mut rows);

    head(&mut rows, "value");
    let value = |r: &FinishedRun| match r.outcome.outcome {
        crate::engine::exec::Outcome::Ok => r.outcome.value_display.clone(),
        o => format!("(no value: {})", o.as_str()),
    };
    let (va, vb) = (value(before), value(after));
    if va == vb {
        rows.push(DiffRow::new(DiffKind::Note, "same value"));
    } else {
        changed.push("value");
        lines_diff(&va, &vb, &mut rows);
    }

    head(&mut rows, "error");
    let err = |r: &FinishedRun| {
        r.outcome
            .error
            .as_ref()
            .map_or(String::new(), |e| format!("{}: {}", e.name, e.message))
    };
    let (ea, eb) = (err(before), err(after));
    if ea == eb {
        let same = if eb.is_empty() {
            "no error in either run"
        } else {
            "same error"
        };
        rows.push(DiffRow::new(DiffKind::Note, same));
    } else {
        changed.push("error");
        lines_diff(&ea, &eb, &mut rows);
    }

    head(&mut rows, "console");
    let (ca, cb) = (console_text(before), console_text(after));
    if ca == cb {
        let n = b.console.len();
        rows.push(DiffRow::new(
            DiffKind::Note,
            format!("same output ({n} line{})", if n == 1 { "" } else { "s" }),
        ));
    } else {
        changed.push("console");
        lines_diff(&ca, &cb, &mut rows);
    }

    head(&mut rows, "blocked attempts");
    let count = |r: &FinishedRun| {
        let mut m: BTreeMap<String, u64> = BTreeMap::new();
        for x in &r.outcome.blocked {
            *m.entry(blocked_key(x)).or_default() += u64::from(x.count.max(1));
        }
        m
    };
    let (ba, bb) = (count(before), count(after));
    if ba == bb {
        let n: u64 = bb.values().sum();
        rows.push(DiffRow::new(
            DiffKind::Note,
            if n == 0 {
                "none in either run".to_string()
            } else {
                format!("the same {n}")
            },
        ));
    } else {
        changed.push("blocked attempts");
        for (k, n) in &ba {
            match bb.get(k) {
                None => rows.push(DiffRow::new(DiffKind::Removed, format!("{k} ×{n}"))),
                Some(m) if m != n => {
                    rows.push(DiffRow::new(DiffKind::Note, format!("{k} ×{n} → ×{m}")))
                }
                Some(_) => rows.push(DiffRow::new(DiffKind::Same, format!("{k} ×{n}"))),
            }
        }
        for (k, n) in &bb {
            if !ba.contains_key(k) {
                rows.push(DiffRow::new(DiffKind::Added, format!("{k} ×{n}")));
            }
        }
    }
    // What each run was granted: a grant added between them ("grant this") shows here.
    head(&mut rows, "permissions");
    let grants = |r: &FinishedRun| -> Vec<String> {
        let mut g: Vec<String> = r
            .permissions
            .grants()
            .iter()
            .map(|g| text::escape(&g.to_string(), false).into_owned())
            .collect();
        g.sort();
        g
    };
    let (ga, gb) = (grants(before), grants(after));
    if ga == gb {
        rows.push(DiffRow::new(DiffKind::Note, "the same grants"));
    } else {
        changed.push("permissions");
        for g in ga.iter().filter(|g| !gb.contains(g)) {
            rows.push(DiffRow::new(DiffKind::Removed, g.clone()));
        }
        for g in gb.iter().filter(|g| !ga.contains(g)) {
            rows.push(DiffRow::new(DiffKind::Added, g.clone()));
        }
    }
    if a.outcome != b.outcome {
        changed.insert(0, "outcome");
    }
    let summary = if changed.is_empty() {
        "the last two runs did the same (value, error, console, blocked attempts)".to_string()
    } else {
        format!("changed: {}", changed.join(", "))
    };
    let mut all = vec![DiffRow::new(DiffKind::Note, summary)];
    all.extend(rows);
    all.extend(how);
    let rows = all;
    bound(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_diff_shows_changes_with_context_and_escapes() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nb\nc\nD\ne\nf\ng\n\u{1b}[2J\n";
        let rows = text_diff(old, new);
        let kinds: Vec<DiffKind> = rows.iter().map(|r| r.kind).collect();
        assert_eq!(kinds[0], DiffKind::Heading);
        assert!(rows
            .iter()
            .any(|r| r.kind == DiffKind::Removed && r.text == "d"));
        assert!(rows
            .iter()
            .any(|r| r.kind == DiffKind::Added && r.text == "D"));
        assert!(rows.iter().any(|r| r.text == "\\x1b[2J"), "{rows:?}");
        assert!(!rows.iter().any(|r| r.text == "a"), "context is 2 lines");
        assert_eq!(
            text_diff("same", "same"),
            vec![DiffRow::new(DiffKind::Note, "no difference")]
        );
    }

    #[test]
    fn a_huge_diff_is_bounded() {
        let old: String = (0..20_000).map(|i| format!("{i}\n")).collect();
        let new: String = (0..20_000).map(|i| format!("x{i}\n")).collect();
        let rows = text_diff(&old, &new);
        assert!(rows.len() <= MAX_ROWS + 1);
        assert!(rows.last().is_some_and(|r| r.text.contains("more rows")));
    }
}
