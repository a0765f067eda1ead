//! Execution statistics over the audit log: runs, outcomes, durations, memory, blocked
//! attempts, verdicts, the files most often blocked, and the scanner's cache hit rate.
//!
//! One pass, reading only the fields it needs from each line (borrowed, no per-line
//! allocation for plain strings). Lines that are not records are counted, not fatal: stats
//! are for operators; `audit verify` is the integrity check.

use super::audit::{AuditError, AuditLog};
use crate::engine::exec::Outcome;
use crate::engine::scan::Verdict;
use crate::engine::Category;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;

/// Files listed under "top blocked files".
pub const TOP_FILES: usize = 10;
/// Distinct files tracked for that list; past this, new names are counted as "(other files)".
const MAX_TRACKED_FILES: usize = 100_000;
const OTHER_FILES: &str = "(other files)";

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    time: Cow<'a, str>,
    #[serde(borrow)]
    file: Cow<'a, str>,
    #[serde(borrow)]
    executor: Cow<'a, str>,
    outcome: Outcome,
    verdict: Verdict,
    duration_ms: f64,
    #[serde(default)]
    cpu_ms: f64,
    #[serde(default)]
    peak_memory_bytes: u64,
    #[serde(default)]
    scan_cache_hit: Option<bool>,
    #[serde(default)]
    blocked_total: u64,
    #[serde(default)]
    blocked: Vec<Blocked>,
    #[serde(default, borrow)]
    trust: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Blocked {
    category: Category,
    count: u64,
}

/// p50 / p95 / max of a measure (nearest-rank percentiles).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Summary {
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
}

impl Summary {
    fn of(mut v: Vec<f64>) -> Summary {
        if v.is_empty() {
            return Summary::default();
        }
        v.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            let i = (p * v.len() as f64).ceil() as usize;
            v[i.clamp(1, v.len()) - 1]
        };
        Summary {
            p50: rank(0.50),
            p95: rank(0.95),
            max: v[v.len() - 1],
        }
    }
}

/// A file and how often runs of it were blocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCount {
    pub file: String,
    /// Blocked attempts over all its runs.
    pub blocked: u64,
    pub runs: u64,
}

/// The scanner's cache over the runs counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CacheStats {
    pub hits: u64,
    /// Runs whose line says whether the scan was a hit.
    pub scans: u64,
    /// hits / scans, or null with no scans.
    pub hit_rate: Option<f64>,
}

/// Everything `sandbench stats` reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    pub runs: u64,
    /// Lines that are not readable records (counted, skipped).
    pub unreadable_lines: u64,
    /// Only runs at or after this time were counted.
    pub since: Option<String>,
    pub first: Option<String>,
    pub last: Option<String>,
    pub outcomes: BTreeMap<String, u64>,
    pub verdicts: BTreeMap<String, u64>,
    pub executors: BTreeMap<String, u64>,
    pub trust: BTreeMap<String, u64>,
    pub duration_ms: Summary,
    pub cpu_ms: Summary,
    pub peak_memory_bytes: Summary,
    pub blocked_total: u64,
    pub blocked_by_category: BTreeMap<String, u64>,
    pub top_blocked_files: Vec<FileCount>,
    pub scan_cache: CacheStats,
}

/// Reads the whole log (rotated files included) and sums it up, counting only runs whose
/// time is at or after `since` (a [`super::timestamp`] string) when given.
pub fn compute(log: &AuditLog, since: Option<&str>) -> Result<Stats, AuditError> {
    let mut s = Stats {
        since: since.map(str::to_string),
        ..Stats::default()
    };
    let mut durations = Vec::new();
    let mut cpus = Vec::new();
    let mut mems = Vec::new();
    let mut files: HashMap<String, (u64, u64)> = HashMap::new();
    log.for_each_line(|l| {
        if !l.complete || l.too_long {
            s.unreadable_lines += 1;
            return ControlFlow::Continue(());
        }
        let Ok(line) = serde_json::from_slice::<Line<'_>>(l.bytes) else {
            s.unreadable_lines += 1;
            return ControlFlow::Continue(());
        };
        if since.is_some_and(|t| *line.time < *t) {
            return ControlFlow::Continue(());
        }
        s.runs += 1;
        if s.first.is_none() {
            s.first = Some(line.time.to_string());
        }
        s.last = Some(line.time.to_string());
        *s.outcomes
            .entry(line.outcome.as_str().to_string())
            .or_insert(0) += 1;
        *s.verdicts
            .entry(line.verdict.as_str().to_string())
            .or_insert(0) += 1;
        *s.executors.entry(line.executor.to_string()).or_insert(0) += 1;
        if let Some(t) = &line.trust {
            *s.trust.entry(t.to_string()).or_insert(0) += 1;
        }
        durations.push(line.duration_ms);
        cpus.push(line.cpu_ms);
        mems.push(line.peak_memory_bytes as f64);
        s.blocked_total += line.blocked_total;
        for b in &line.blocked {
            *s.blocked_by_category
                .entry(b.category.as_str().to_string())
                .or_insert(0) += b.count;
        }
        if let Some(hit) = line.scan_cache_hit {
            s.scan_cache.scans += 1;
            s.scan_cache.hits += u64::from(hit);
        }
        let key = if files.len() < MAX_TRACKED_FILES || files.contains_key(&*line.file) {
            line.file.into_owned()
        } else {
            OTHER_FILES.to_string()
        };
        let e = files.entry(key).or_insert((0, 0));
        e.0 += line.blocked_total;
        e.1 += 1;
        ControlFlow::Continue(())
    })?;
    s.duration_ms = Summary::of(durations);
    s.cpu_ms = Summary::of(cpus);
    s.peak_memory_bytes = Summary::of(mems);
    if s.scan_cache.scans > 0 {
        s.scan_cache.hit_rate = Some(s.scan_cache.hits as f64 / s.scan_cache.scans as f64);
    }
    let mut top: Vec<FileCount> = files
        .into_iter()
        .filter(|(_, (b, _))| *b > 0)
        .map(|(file, (blocked, runs))| FileCount {
            file,
            blocked,
            runs,
        })
        .collect();
    top.sort_by(|a, b| b.blocked.cmp(&a.blocked).then_with(|| a.file.cmp(&b.file)));
    top.truncate(TOP_FILES);
    s.top_blocked_files = top;
    Ok(s)
}

/// One run as listed from the end of the audit log (the workbench's History tab).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RecentRun {
    pub time: String,
    pub file: String,
    #[serde(default)]
    pub source: String,
    pub executor: String,
    pub outcome: Outcome,
    pub verdict: Verdict,
    pub duration_ms: f64,
    #[serde(default)]
    pub peak_memory_bytes: u64,
    #[serde(default)]
    pub sha256: String,
    pub trust: Option<String>,
    pub signer: Option<String>,
    #[serde(default)]
    pub blocked_total: u64,
    pub reason: Option<String>,
}

/// The last lines of the audit log, read as runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recent {
    /// Oldest first.
    pub runs: Vec<RecentRun>,
    /// Of the last lines read, those that are not records (skipped).
    pub unreadable: u64,
}

/// The last `n` lines of the log (rotated files included), oldest first: memory is bounded
/// by `n` lines whatever the log's size. A line that is not a record is counted and skipped.
pub fn recent(log: &AuditLog, n: usize) -> Result<Recent, AuditError> {
    let mut tail: std::collections::VecDeque<Option<Vec<u8>>> =
        std::collections::VecDeque::with_capacity(n.min(1024));
    if n == 0 {
        return Ok(Recent::default());
    }
    log.for_each_line(|l| {
        if tail.len() == n {
            tail.pop_front();
        }
        tail.push_back((l.complete && !l.too_long).then(|| l.bytes.to_vec()));
        ControlFlow::Continue(())
    })?;
    let mut out = Recent::default();
    for line in tail {
        match line.and_then(|b| serde_json::from_slice::<RecentRun>(&b).ok()) {
            Some(r) => out.runs.push(r),
            None => out.unreadable += 1,
        }
    }
    Ok(out)
}

/// Parses `--since`: a duration back from `now` (`30m`, `24h`, `7d`, `2w`, `90s`), a date
/// (`2025-01-31`, midnight UTC) or an RFC 3339 time (`2025-01-31T12:00:00Z`, any offset).
/// Returns the boundary as a [`super::timestamp`] string.
pub fn parse_since(text: &str, now: std::time::SystemTime) -> Result<String, String> {
    let t = text.trim();
    let err = || {
        format!("--since '{t}': expected a duration (30m, 24h, 7d, 2w), a date (2025-01-31) or an RFC 3339 time")
    };
    if let Some(unit) = t.chars().last().filter(char::is_ascii_alphabetic) {
        let n: u64 = t[..t.len() - 1].parse().map_err(|_| err())?;
        let secs = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(err()),
        };
        let back = std::time::Duration::from_secs(n.checked_mul(secs).ok_or_else(err)?);
        let at = now.checked_sub(back).unwrap_or(std::time::UNIX_EPOCH);
        return Ok(super::timestamp(at.max(std::time::UNIX_EPOCH)));
    }
    use time::format_description::well_known::Rfc3339;
    if let Ok(dt) = time::OffsetDateTime::parse(t, &Rfc3339) {
        let unix = dt.unix_timestamp_nanos();
        let at = if unix <= 0 {
            std::time::UNIX_EPOCH
        } else {
            std::time::UNIX_EPOCH
                + std::time::Duration::from_nanos(u64::try_from(unix).map_err(|_| err())?)
        };
        return Ok(super::timestamp(at));
    }
    let parts: Vec<&str> = t.split('-').collect();
    if let [y, m, d] = parts.as_slice() {
        if y.len() == 4 && m.len() == 2 && d.len() == 2 {
            let (y, m, d) = (
                y.parse::<i32>().map_err(|_| err())?,
                m.parse::<u8>().map_err(|_| err())?,
                d.parse::<u8>().map_err(|_| err())?,
            );
            let month = time::Month::try_from(m).map_err(|_| err())?;
            let date = time::Date::from_calendar_date(y, month, d).map_err(|_| err())?;
            let secs = date.midnight().assume_utc().unix_timestamp();
            let at = u64::try_from(secs)
                .map(|s| std::time::UNIX_EPOCH + std::time::Duration::from_secs(s))
                .unwrap_or(std::time::UNIX_EPOCH);
            return Ok(super::timestamp(at));
        }
    }
    Err(err())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn since_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for (since, want) in [
            ("24h", "2023-11-13T22:13:20.000Z"),
            ("7d", "2023-11-07T22:13:20.000Z"),
            ("2023-11-14", "2023-11-14T00:00:00.000Z"),
            ("2023-11-14T12:00:00+02:00", "2023-11-14T10:00:00.000Z"),
        ] {
            assert_eq!(parse_since(since, now).as_deref(), Ok(want), "{since}");
        }
        for bad in [
            "",
            "h",
            "5y",
            "yesterday",
            "2023-13-01",
            "-5h",
            "99999999999999999999d",
        ] {
            assert!(parse_since(bad, now).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_record_from_an_older_log_is_read_with_the_later_fields_empty() {
        let line = r#"{"time":"2025-01-01T00:00:00.000Z","file":"a.js","executor":"quickjs","outcome":"ok","verdict":"allow","duration_ms":1.5}"#;
        let r: RecentRun = serde_json::from_str(line).expect("an older record");
        assert_eq!((r.trust, r.signer, r.reason), (None, None, None));
        assert_eq!(
            (
                r.source.as_str(),
                r.sha256.as_str(),
                r.peak_memory_bytes,
                r.blocked_total
            ),
            ("", "", 0, 0)
        );
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let s = Summary::of((1..=100).map(f64::from).collect());
        assert_eq!((s.p50, s.p95, s.max), (50.0, 95.0, 100.0));
        let one = Summary::of(vec![7.0]);
        assert_eq!((one.p50, one.p95, one.max), (7.0, 7.0, 7.0));
        assert_eq!(Summary::of(vec![]), Summary::default());
    }
}
