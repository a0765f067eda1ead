//! `sandbench stats [--json] [--since WHEN]`: sums up the audit log.

use crate::engine::trust::stats::{self, Stats, Summary};
use clap::Args;
use std::collections::BTreeMap;

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// One JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Only runs since then: a duration back (30m, 24h, 7d, 2w), a date (2025-01-31) or an
    /// RFC 3339 time.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
}

pub(crate) fn main(args: StatsArgs) -> u8 {
    let since = match args.since.as_deref() {
        Some(s) => match stats::parse_since(s, std::time::SystemTime::now()) {
            Ok(t) => Some(t),
            Err(e) => return super::usage_error(e),
        },
        None => None,
    };
    let log = match super::audit::open_log() {
        Ok(l) => l,
        Err(e) => return super::usage_error(e),
    };
    let s = match stats::compute(&log, since.as_deref()) {
        Ok(s) => s,
        Err(e) => return super::usage_error(e),
    };
    if args.json {
        match serde_json::to_string(&s) {
            Ok(j) => println!("{}", super::run::escape_json_text(&j)),
            Err(e) => return super::usage_error(format!("cannot encode: {e}")),
        }
    } else {
        print!("{}", table(&s, &log.dir().display().to_string()));
    }
    super::EXIT_OK
}

fn counts(m: &BTreeMap<String, u64>) -> String {
    if m.is_empty() {
        return "none".to_string();
    }
    let mut v: Vec<(&String, &u64)> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter()
        .map(|(k, n)| format!("{} {n}", super::shown(k)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else {
        format!("{v:.2} ms")
    }
}

fn bytes(v: f64) -> String {
    if v >= 1024.0 * 1024.0 {
        format!("{:.1} MB", v / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KB", v / 1024.0)
    }
}

fn summary(s: &Summary, f: fn(f64) -> String) -> String {
    format!("p50 {} · p95 {} · max {}", f(s.p50), f(s.p95), f(s.max))
}

/// The human table.
pub(crate) fn table(s: &Stats, dir: &str) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    let _ = writeln!(t, "audit log    {}", super::shown(dir));
    let span = match (&s.first, &s.last) {
        (Some(a), Some(b)) => format!(" ({a} .. {b})"),
        _ => String::new(),
    };
    let since = s
        .since
        .as_ref()
        .map(|x| format!(" since {x}"))
        .unwrap_or_default();
    let _ = writeln!(t, "runs         {}{since}{span}", s.runs);
    if s.unreadable_lines > 0 {
        let _ = writeln!(t, "unreadable   {} line(s) skipped", s.unreadable_lines);
    }
    if s.runs == 0 {
        return t;
    }
    let _ = writeln!(t, "outcomes     {}", counts(&s.outcomes));
    let _ = writeln!(t, "duration     {}", summary(&s.duration_ms, ms));
    let _ = writeln!(t, "cpu          {}", summary(&s.cpu_ms, ms));
    let _ = writeln!(t, "peak memory  {}", summary(&s.peak_memory_bytes, bytes));
    let _ = writeln!(t, "verdicts     {}", counts(&s.verdicts));
    let _ = writeln!(
        t,
        "blocked      {} attempt{}{}",
        s.blocked_total,
        if s.blocked_total == 1 { "" } else { "s" },
        if s.blocked_by_category.is_empty() {
            String::new()
        } else {
            format!(": {}", counts(&s.blocked_by_category))
        }
    );
    if !s.top_blocked_files.is_empty() {
        let _ = writeln!(t, "top blocked files");
        for f in &s.top_blocked_files {
            let _ = writeln!(
                t,
                "  {:>8} blocked in {:>5} run{}  {}",
                f.blocked,
                f.runs,
                if f.runs == 1 { " " } else { "s" },
                super::shown(&f.file)
            );
        }
    }
    let cache = match s.scan_cache.hit_rate {
        Some(r) => format!(
            "{:.1}% hit rate ({} of {} scans)",
            r * 100.0,
            s.scan_cache.hits,
            s.scan_cache.scans
        ),
        None => "no scans recorded".to_string(),
    };
    let _ = writeln!(t, "scan cache   {cache}");
    let _ = writeln!(t, "executors    {}", counts(&s.executors));
    if !s.trust.is_empty() {
        let _ = writeln!(t, "trust        {}", counts(&s.trust));
    }
    t
}
