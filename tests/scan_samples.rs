//! Every sample's `expect-verdict` / `expect-findings` header holds (samples without those keys
//! are skipped; other keys belong to the run checks).
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::scan::rule_ids;
use sandbench::engine::scan::scan;
use sandbench::samples::{all, header_value};

struct S {
    name: String,
    source: String,
}

/// The samples of this checkout (read from `samples/`, the source of truth) plus any embedded
/// sample not on disk. Reading the files directly keeps the test honest even when the
/// embedded list was generated from another checkout sharing the build directory.
fn samples() -> Vec<S> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut out: Vec<S> = std::fs::read_dir(&dir)
        .expect("samples/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".js"))
        .map(|e| S {
            name: e.file_name().to_string_lossy().into_owned(),
            source: std::fs::read_to_string(e.path()).expect("sample is UTF-8"),
        })
        .collect();
    for s in all() {
        if !out.iter().any(|o| o.name == s.name) {
            out.push(S {
                name: s.name.to_string(),
                source: s.source.to_string(),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[test]
fn every_sample_meets_its_scanner_expectations() {
    let mut checked = 0;
    for s in samples() {
        let s = &s;
        let verdict = header_value(&s.source, "expect-verdict");
        let findings = header_value(&s.source, "expect-findings");
        if verdict.is_none() && findings.is_none() {
            continue;
        }
        checked += 1;
        let r = scan(&s.source);
        let got = rule_ids(&r);
        if let Some(v) = verdict {
            assert_eq!(
                r.verdict.as_str(),
                v,
                "{}: score {} findings {got:?}",
                s.name,
                r.score
            );
        }
        match findings.map(str::trim) {
            Some("none") => assert!(
                got.is_empty(),
                "{}: expected no findings, got {got:?}",
                s.name
            ),
            Some(list) => {
                for want in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                    assert!(
                        got.contains(&want),
                        "{}: `{want}` missing from {got:?}",
                        s.name
                    );
                }
            }
            None => {}
        }
    }
    assert!(
        checked >= 10,
        "only {checked} samples carry scanner expectations"
    );
}
