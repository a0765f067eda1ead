//! The threat scanner: source → [`Report`] {findings, score, verdict}. Pure, never panics on
//! any input, cached by SHA-256.

use crate::engine::Category;
use serde::{Deserialize, Serialize};

/// Aggregate score at which the verdict becomes `review`.
pub const REVIEW_AT: u8 = 40;
/// Aggregate score at which the verdict becomes `block`.
pub const BLOCK_AT: u8 = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Allow,
    Review,
    Block,
}

impl Verdict {
    pub fn from_score(score: u8) -> Verdict {
        if score >= BLOCK_AT {
            Verdict::Block
        } else if score >= REVIEW_AT {
            Verdict::Review
        } else {
            Verdict::Allow
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Review => "review",
            Verdict::Block => "block",
        }
    }
}

/// One thing the scanner found. Lines and columns are 1-based; columns count characters.
/// `start`/`end` are byte offsets into the source (for editors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub score: u8,
    pub severity: Severity,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub remediation: String,
    /// The source text of the span (bounded, escaped for display).
    pub snippet: String,
    /// The constant-folded value when the finding is on folded code ("constructor").
    pub folded: Option<String>,
}

/// Shape of the code, for complexity and obfuscation signals.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Metrics {
    pub bytes: usize,
    pub lines: usize,
    pub longest_line: usize,
    pub max_nesting: u32,
    pub complexity: u32,
    pub identifier_entropy: f64,
    /// Looks minified (long lines, short names) but not obfuscated.
    pub minified: bool,
    /// 0–100: how strongly the code looks deliberately obfuscated.
    pub obfuscation: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub sha256: String,
    pub score: u8,
    pub verdict: Verdict,
    /// Sorted by score, highest first.
    pub findings: Vec<Finding>,
    pub metrics: Metrics,
    pub parse_error: Option<String>,
}

/// Scans `source`. Pure; never panics.
pub fn scan(source: &str) -> Report {
    // Placeholder until the scanner lands (issue 3).
    Report {
        sha256: crate::engine::hash::sha256_hex(source.as_bytes()),
        score: 0,
        verdict: Verdict::Allow,
        findings: Vec::new(),
        metrics: Metrics {
            bytes: source.len(),
            lines: source.lines().count(),
            ..Metrics::default()
        },
        parse_error: None,
    }
}
