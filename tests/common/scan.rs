//! Helpers for the tests of the scanner's reports.

use sandbench::engine::scan::{Finding, Report};

/// The rule ids of every finding, in report order (highest score first).
pub(crate) fn rule_ids(report: &Report) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.rule.as_str()).collect()
}

/// Whether the report has a finding of `rule`.
pub(crate) fn has(report: &Report, rule: &str) -> bool {
    report.findings.iter().any(|f| f.rule == rule)
}

/// The first finding of `rule`; fails the test with what was found instead.
#[track_caller]
pub(crate) fn finding<'r>(report: &'r Report, rule: &str) -> &'r Finding {
    report
        .findings
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("no `{rule}` finding in {:?}", rule_ids(report)))
}
