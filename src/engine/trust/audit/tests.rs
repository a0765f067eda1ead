use super::*;
use crate::engine::exec::ExecRequest;

fn entry(n: u64) -> AuditEntry {
    let req = ExecRequest::new(format!("{n}"));
    let mut o = ExecOutcome::not_run("quickjs", &req, Outcome::Ok, None);
    o.duration_ms = n as f64;
    // One scan for every entry: a debug-build scan costs more than an append.
    static REPORT: std::sync::LazyLock<Report> =
        std::sync::LazyLock::new(|| crate::engine::scan::scan("1"));
    cli_entry(&format!("f{n}.js"), false, &o, &REPORT)
}

/// The entry of an unsigned, strict `cli` run of `file`.
fn cli_entry(file: &str, scan_cache_hit: bool, o: &ExecOutcome, report: &Report) -> AuditEntry {
    AuditEntry::from_run(
        &RunContext {
            source: "cli",
            file,
            profile: Profile::Strict,
            permissions: &Permissions::default(),
            trust: &TrustState::Unsigned,
            scan_cache_hit,
            forced: false,
        },
        o,
        report,
    )
}

fn lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .expect("read")
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn lines_chain_and_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = AuditLog::new(dir.path());
    for n in 1..=3 {
        let a = log.append(&entry(n)).expect("append");
        assert_eq!(a.seq, n);
    }
    let ls = lines(&log.path());
    assert_eq!(ls.len(), 3);
    let v: serde_json::Value = serde_json::from_str(&ls[0]).expect("json");
    assert_eq!(v["prev"], GENESIS);
    assert_eq!(v["seq"], 1);
    assert_eq!(v["v"], 1);
    assert_eq!(v["file"], "f1.js");
    assert!(ls[0].starts_with("{\"v\":1,\"seq\":1,"), "{}", ls[0]);
    assert!(
        ls[0].ends_with(&format!("\"prev\":\"{GENESIS}\"}}")),
        "{}",
        ls[0]
    );
    let v2: serde_json::Value = serde_json::from_str(&ls[1]).expect("json");
    assert_eq!(v2["prev"], line_hash(ls[0].as_bytes()));
    let r = log.verify().expect("verify");
    assert_eq!(r.problem, None);
    assert_eq!((r.lines, r.first_seq, r.last_seq), (3, Some(1), Some(3)));
}

fn tamper(log: &AuditLog, f: impl FnOnce(&mut Vec<String>)) -> ChainReport {
    let mut ls = lines(&log.path());
    f(&mut ls);
    let mut text = ls.join("\n");
    text.push('\n');
    std::fs::write(log.path(), text).expect("write");
    log.verify().expect("verify")
}

fn fresh(n: u64) -> (tempfile::TempDir, AuditLog) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = AuditLog::new(dir.path());
    for i in 1..=n {
        log.append(&entry(i)).expect("append");
    }
    (dir, log)
}

#[test]
fn edits_deletions_and_reorders_name_the_first_bad_line() {
    let (_d, log) = fresh(5);
    let r = tamper(&log, |ls| ls[1] = ls[1].replace("f2.js", "f9.js"));
    let p = r.problem.expect("edited");
    assert_eq!(
        (p.kind, p.line, p.seq),
        (ProblemKind::Edited, 2, Some(2)),
        "{p}"
    );

    let (_d, log) = fresh(5);
    let r = tamper(&log, |ls| {
        ls.remove(2);
    });
    let p = r.problem.expect("deleted");
    assert_eq!(
        (p.kind, p.line, p.seq),
        (ProblemKind::Deleted, 3, Some(4)),
        "{p}"
    );
    assert!(p.to_string().contains("1 line(s) deleted"), "{p}");

    let (_d, log) = fresh(5);
    let r = tamper(&log, |ls| ls.swap(1, 2));
    let p = r.problem.expect("reordered");
    assert_eq!((p.kind, p.line), (ProblemKind::Reordered, 2), "{p}");

    let (_d, log) = fresh(5);
    let r = tamper(&log, |ls| {
        ls.pop();
    });
    let p = r.problem.expect("cut at the end");
    assert_eq!(p.kind, ProblemKind::Deleted, "{p}");
    assert!(p.message.contains("deleted at the end"), "{p}");

    let (_d, log) = fresh(5);
    let r = tamper(&log, |ls| ls[4] = ls[4].replace("f5.js", "f6.js"));
    let p = r.problem.expect("last line edited");
    assert_eq!((p.kind, p.line), (ProblemKind::Edited, 5), "{p}");

    let (_d, log) = fresh(3);
    let r = tamper(&log, |ls| {
        ls.remove(0);
    });
    let p = r.problem.expect("first deleted");
    assert_eq!((p.kind, p.line), (ProblemKind::Deleted, 1), "{p}");

    let (_d, log) = fresh(3);
    let r = tamper(&log, |ls| ls[1] = "garbage".to_string());
    assert_eq!(r.problem.expect("garbage").kind, ProblemKind::Unreadable);
}

#[test]
fn a_half_written_line_is_reported_then_cut_by_the_next_append() {
    let (_d, log) = fresh(2);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(log.path())
        .expect("open");
    let half = b"{\"v\":1,\"seq\":3,\"ti";
    f.write_all(half).expect("write");
    let p = log.verify().expect("verify").problem.expect("incomplete");
    assert_eq!((p.kind, p.line), (ProblemKind::Incomplete, 3));
    let a = log.append(&entry(3)).expect("append");
    assert_eq!((a.seq, a.repaired_bytes), (3, half.len() as u64));
    assert_eq!(log.verify().expect("verify").problem, None);
}

#[test]
fn rotation_keeps_the_chain_and_prunes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = AuditLog::new(dir.path()).with_rotation(MIN_MAX_BYTES, 2);
    let line_len = {
        let a = log.append(&entry(1)).expect("append");
        assert_eq!(a.seq, 1);
        std::fs::metadata(log.path()).expect("meta").len()
    };
    // Enough lines for several rotations.
    let per_file = MIN_MAX_BYTES / line_len;
    let total = per_file * 4;
    let mut rotations = 0;
    for n in 2..=total {
        if log.append(&entry(n)).expect("append").rotated {
            rotations += 1;
        }
    }
    assert!(rotations >= 3, "{rotations}");
    let files = log.files().expect("files");
    assert_eq!(
        files.len(),
        3,
        "two rotated kept plus the current: {files:?}"
    );
    let r = log.verify().expect("verify");
    assert_eq!(r.problem, None, "{r:?}");
    assert_eq!(r.last_seq, Some(total));
    assert!(r.notes[0].contains("rotated out"), "{:?}", r.notes);
    // The current file's first line chains to the last line of the newest rotated file.
    let newest_rotated = &files[1];
    let old_last = lines(newest_rotated).pop().expect("line");
    let first: serde_json::Value = serde_json::from_str(&lines(&log.path())[0]).expect("json");
    assert_eq!(first["prev"], line_hash(old_last.as_bytes()));
}

#[test]
fn concurrent_writers_never_interleave_or_fork_the_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let d = dir.path().to_path_buf();
            std::thread::spawn(move || {
                // Each thread opens the files itself, as separate processes would.
                let log = AuditLog::new(d);
                for n in 0..25 {
                    log.append(&entry(t * 100 + n)).expect("append");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let log = AuditLog::new(dir.path());
    let r = log.verify().expect("verify");
    assert_eq!(r.problem, None, "{r:?}");
    assert_eq!(r.lines, 150);
    assert_eq!(r.last_seq, Some(150));
}

#[test]
fn blocked_attempts_are_aggregated_and_bounded() {
    use crate::engine::exec::BlockedAttempt;
    let req = ExecRequest::new("x");
    let mut o = ExecOutcome::not_run("quickjs", &req, Outcome::Error, None);
    for i in 0..100u32 {
        o.blocked.push(BlockedAttempt {
            capability: if i < 60 {
                "process".into()
            } else {
                format!("cap{i}")
            },
            category: Category::ProcessAccess,
            message: "no".into(),
            line: Some(i),
            column: None,
            count: 2,
        });
    }
    o.blocked_dropped = 5;
    let e = cli_entry("x.js", true, &o, &crate::engine::scan::scan("x"));
    assert_eq!(e.blocked_total, 205);
    assert_eq!(e.blocked.len(), MAX_BLOCKED_LISTED);
    assert_eq!(e.blocked[0].capability, "process");
    assert_eq!(e.blocked[0].count, 120);
}
