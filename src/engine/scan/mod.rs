//! The threat scanner: source → [`Report`] {findings, score, verdict}. Pure, never panics on
//! any input, cached by SHA-256.

pub(crate) mod ast;
pub(crate) mod decode;
pub mod eval;
pub(crate) mod fold;
pub mod granted;
pub mod miner;
pub(crate) mod obfuscation;
pub(crate) mod rules;
pub mod wasm;

mod cache;
mod score;
mod syntax;

pub use cache::{global, scan_cached, scan_cached_in, ScanStats, Scanner};
pub use score::{aggregate, explain_score, score_of};
use score::{finish, post_rules};
pub use syntax::nested_raws;
use syntax::{keep_arena, syntax_pass_in_arena, take_arena, token_fallback};

use crate::engine::Category;
pub use rules::RuleId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

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

/// Where the scanned code is meant to run; it decides what plain capability use scores.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ScanContext {
    /// Code meant to run inside the sandbox: reaching any host capability is itself the
    /// threat, so a finding scores its category's value (child process 95, file read 85…).
    #[default]
    Plugin,
    /// An npm dependency under audit: capabilities are normal, so plain use scores at most
    /// `review`; a finding reaches its category's value only with evidence.
    Package,
}

string_names!(ScanContext {
    Plugin => "plugin",
    Package => "package",
});

/// Why a finding scores what it scores. Every finding carries at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// Plugin context: the capability is reached at all, which in a sandboxed plugin is the
    /// threat.
    PluginReach,
    /// Package context, no evidence: plain use of a capability (scores at most `review`).
    PlainUse,
    /// The name was spelled indirectly: folded, escaped, computed or through an alias.
    HiddenName,
    /// A run-time decoder (base64, hex, char codes, a decoder of the code's own) produced it.
    Decoded,
    /// Reached through a `.constructor` chain.
    ConstructorChain,
    /// Read out of a property descriptor (`getOwnPropertyDescriptor(…).value`).
    Descriptor,
    /// Reached through an alias of the global object (a parameter bound to `window`, a
    /// conditional that picks `globalThis`…).
    GlobalAlias,
    /// A credential or system file path reaches a file read.
    CredentialPath,
    /// A shell start-up file, autostart entry, scheduled job or hook is written.
    PersistencePath,
    /// Secret data (environment, files, cookies, form values, stored tokens) reaches a
    /// request.
    SecretToNetwork,
    /// Decoded or assembled text reaches code execution.
    DecodedToCode,
    /// An environment variable that injects code into later processes is set.
    EnvInjection,
    /// A property is written through `__proto__` / `constructor.prototype`.
    ProtoWrite,
    /// A miner's names or protocol together with its behaviour.
    MinerBehaviour,
    /// The code itself is obfuscated (symbol-only encodings, packers, invisible text…).
    Obfuscation,
    /// A signal of its own, scored the same in both contexts (a path mentioned, a blob).
    Signal,
    /// The code cannot run (after `return`, `throw`, `break` or `continue`): scored low.
    Unreachable,
}

impl Evidence {
    /// Concealment or a threatening argument: lifts a package-context finding to its
    /// category's value.
    pub fn lifts(self) -> bool {
        !matches!(
            self,
            Evidence::PluginReach | Evidence::PlainUse | Evidence::Signal | Evidence::Unreachable
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::PluginReach => "plugin-reach",
            Evidence::PlainUse => "plain-use",
            Evidence::HiddenName => "hidden-name",
            Evidence::Decoded => "decoded",
            Evidence::ConstructorChain => "constructor-chain",
            Evidence::Descriptor => "descriptor",
            Evidence::GlobalAlias => "global-alias",
            Evidence::CredentialPath => "credential-path",
            Evidence::PersistencePath => "persistence-path",
            Evidence::SecretToNetwork => "secret-to-network",
            Evidence::DecodedToCode => "decoded-to-code",
            Evidence::EnvInjection => "env-injection",
            Evidence::ProtoWrite => "proto-write",
            Evidence::MinerBehaviour => "miner-behaviour",
            Evidence::Obfuscation => "obfuscation",
            Evidence::Signal => "signal",
            Evidence::Unreachable => "unreachable",
        }
    }

    /// The evidence a rule's finding carries by its nature (rules that are evidence in
    /// themselves score the same in both contexts).
    fn intrinsic(rule: RuleId) -> Option<Evidence> {
        Some(match rule {
            RuleId::ConstructorChain => Evidence::ConstructorChain,
            RuleId::EncodedExec => Evidence::DecodedToCode,
            RuleId::Exfiltration => Evidence::SecretToNetwork,
            RuleId::CredentialRead => Evidence::CredentialPath,
            RuleId::PersistenceWrite => Evidence::PersistencePath,
            RuleId::EnvTamper => Evidence::EnvInjection,
            RuleId::ProtoPollution => Evidence::ProtoWrite,
            RuleId::Cryptominer => Evidence::MinerBehaviour,
            RuleId::ObfuscationJsfuck
            | RuleId::ObfuscationJjencode
            | RuleId::ObfuscationHexNames
            | RuleId::ObfuscationStringArray
            | RuleId::ObfuscationPacker
            | RuleId::TrojanSource
            | RuleId::InvisibleChar
            | RuleId::HomoglyphIdentifier
            | RuleId::HiddenWhitespace
            | RuleId::DeepNesting
            | RuleId::HiddenExecution
            | RuleId::ObfuscationFlattening => Evidence::Obfuscation,
            r if r.rule().score == r.rule().package => Evidence::Signal,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Highest score of a finding in unreachable code.
pub const UNREACHABLE_CAP: u8 = 20;

/// What to scan with. The defaults are what `scan`, `run` and the workbench use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScanOptions {
    pub context: ScanContext,
    /// Scope analysis (oxc_semantic): names resolve through their bindings per scope.
    /// Off only to measure its cost (`bench --suite scan`); off, names resolve by spelling.
    pub scopes: bool,
    /// The constant evaluator for decoder helpers and string tables. Off only to measure.
    pub evaluate: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            context: ScanContext::Plugin,
            scopes: true,
            evaluate: true,
        }
    }
}

impl ScanOptions {
    pub fn in_context(context: ScanContext) -> Self {
        ScanOptions {
            context,
            ..ScanOptions::default()
        }
    }
}

/// One thing the scanner found. Lines and columns are 1-based; columns count characters.
/// `start`/`end` are byte offsets into the source (for editors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: RuleId,
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
    /// Why it scores what it scores (never empty).
    pub evidence: Vec<Evidence>,
    /// What the code reaches, when the scanner knows it statically (a module's name, a
    /// constant URL, an fs write): what a grant is matched against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Granted use: the run grants this capability (set by [`granted::apply_grants`], with
    /// where the grant came from). Still listed; left out of the score and the verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted: Option<String>,
}

impl Finding {
    /// A finding of `rule` as the rule scores it (category, score, severity, remediation,
    /// message), over the first character of line 1 until the caller says where.
    pub fn of_rule(rule: RuleId) -> Finding {
        let r = rule.rule();
        Finding {
            rule,
            category: r.category,
            score: r.score,
            severity: r.severity,
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            start: 0,
            end: 0,
            message: r.message.to_string(),
            remediation: r.remediation.to_string(),
            snippet: String::new(),
            folded: None,
            evidence: Vec::new(),
            target: None,
            granted: None,
        }
    }
}

/// What a finding reaches, when known statically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// `require(name)` / `import … from name`, the name as written.
    Module(String),
    /// A request to this constant URL.
    Url(String),
    /// An fs call that reads, with its constant path when known.
    FsRead(Option<String>),
    /// An fs call that writes or deletes (`writeFileSync`, `rm`…): never granted.
    FsWrite(String),
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
    /// The context the findings were scored in.
    pub context: ScanContext,
    pub score: u8,
    pub verdict: Verdict,
    /// Sorted by score, highest first.
    pub findings: Vec<Finding>,
    pub metrics: Metrics,
    pub parse_error: Option<String>,
}

/// Findings kept per rule (the counters still count every occurrence).
pub const MAX_PER_RULE: usize = 50;
/// Findings kept per report.
pub const MAX_FINDINGS: usize = 500;
/// Nested scans (the folded text of eval / Function / a timer) run only up to this depth
/// bound ([`obfuscation::TextInfo::depth_estimate`]); deeper nested code is skipped.
const NESTED_MAX_DEPTH: u32 = 256;
/// Stack the syntax pass may use per unit of the depth bound: the deepest per-level cost of
/// the recursive passes (oxc's parser, scope analysis, our visit and the finder's re-walks),
/// measured on nested arrays, objects, calls, `new`, parens, templates, functions, arrows,
/// blocks, member / operator / ternary chains (`tests/scan_stack.rs` measures it by painting the
/// stack and fails if any shape uses more) with room to spare. Debug builds (the tests) keep
/// far bigger frames than release.
pub const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) {
    8 << 10
} else {
    4 << 10
};
/// Stack the syntax pass needs at any depth: the frames above the recursion, the bounded
/// recursions (folding [`fold::MAX_DEPTH`], the evaluator's [`eval::MAX_NEST`]) and the start of
/// a nested scan.
pub const STACK_BASE: usize = if cfg!(debug_assertions) {
    4 << 20
} else {
    1 << 20
};
/// Reserved (not committed) stack of the thread a file too deep for the caller's stack runs on.
const DEEP_STACK: usize = 1 << 30;
/// Stack to give a thread that scans many files (the CLI's scan workers, the benchmark's
/// loop, the workbench's scan threads). Reserved, not committed: only the pages a scan
/// touches are used. Under the default 2 MiB thread stack three quarters of the npm corpus's
/// bytes went to a fresh [`DEEP_STACK`] thread per file (the depth bound counts the code since
/// the last `,`/`;`, loose for code written without semicolons); with this, 8 of its 10 894
/// files (2.6 MB of 103) still do. The rule that decides stays [`stack_needed`] against the
/// stack really left ([`stacker::remaining_stack`]): this only makes more of them fit.
pub const SCAN_THREAD_STACK: usize = 256 << 20;
/// Above this bound no syntax tree is built at all (text-level rules only, `deep-nesting`).
const MAX_AST_DEPTH: u32 = 500_000;
/// Longest snippet shown, in characters.
const SNIPPET_CHARS: usize = 120;

/// A finding before positions and texts are attached (byte offsets into the source).
#[derive(Debug, Clone)]
pub struct Raw {
    pub rule: RuleId,
    pub start: u32,
    pub end: u32,
    /// The folded value when the name was spelled indirectly.
    pub folded: Option<String>,
    /// Spelled indirectly (folded, escaped, computed, aliased): concealment evidence.
    pub hidden: bool,
    pub detail: String,
    /// Evidence found by the detector beyond `hidden`.
    pub evidence: Vec<Evidence>,
    /// In code that cannot run.
    pub dead: bool,
    /// What it reaches, when known statically.
    pub target: Option<Target>,
}

impl Raw {
    pub fn new(rule: RuleId, start: u32, end: u32, detail: String) -> Raw {
        Raw {
            rule,
            start,
            end,
            folded: None,
            hidden: false,
            detail,
            evidence: Vec::new(),
            dead: false,
            target: None,
        }
    }
}

/// Scans `source` in the plugin context. Pure; never panics on any input.
pub fn scan(source: &str) -> Report {
    scan_with(source, &ScanOptions::default())
}

/// Scans `source` with `opts`. Pure; never panics on any input.
pub fn scan_with(source: &str, opts: &ScanOptions) -> Report {
    scan_with_hash(
        source,
        crate::engine::hash::sha256_hex(source.as_bytes()),
        opts,
    )
}

fn scan_with_hash(source: &str, sha256: String, opts: &ScanOptions) -> Report {
    let info = obfuscation::text_pass(source);
    let mut raws = Vec::new();
    let parse_error;
    let mut strings: Vec<(u32, u32)> = Vec::new();
    let mut metrics = Metrics {
        bytes: source.len(),
        lines: info.lines,
        longest_line: info.longest_line,
        ..Metrics::default()
    };
    let mut hex_names = 0;
    let mut first_hex = None;
    let mut parsed_ok = false;
    let mut decoded = String::new();
    if info.depth_estimate > MAX_AST_DEPTH {
        raws.push(Raw::new(
            RuleId::DeepNesting,
            0,
            0,
            format!("up to {} levels", info.depth_estimate),
        ));
        parse_error = Some(format!(
            "nesting deeper than {MAX_AST_DEPTH} levels: only text-level rules ran"
        ));
    } else {
        // The caller's arena goes along to the deep-stack thread: a fresh one per file there
        // cost page faults on every page of every syntax tree.
        let mut alloc = take_arena();
        let out = with_stack_for(info.depth_estimate, || {
            syntax_pass_in_arena(&mut alloc, source, 0, opts)
        });
        if out.is_some() {
            keep_arena(alloc);
        }
        match out {
            Some(o) => {
                raws.extend(o.findings);
                strings = o.strings;
                parse_error = o.parse_error;
                parsed_ok = parse_error.is_none();
                metrics.max_nesting = o.max_nesting;
                metrics.complexity = o.complexity;
                metrics.identifier_entropy = o.entropy;
                hex_names = o.hex_names;
                first_hex = o.first_hex;
                decoded = o.decoded;
                if o.symbol_names >= 10 && o.coercions >= 2 {
                    // jjencode's family with renamed tables: only `$`/`_` names, letters from
                    // coerced literals
                    raws.push(Raw::new(
                        RuleId::ObfuscationJjencode,
                        0,
                        0,
                        format!(
                            "{} `$`/`_`-only names, {} coerced literals",
                            o.symbol_names, o.coercions
                        ),
                    ));
                }
                metrics.minified = info.longest_line >= 500 && o.avg_ident_len < 3.5;
            }
            None => parse_error = Some("the syntax pass could not run".to_string()),
        }
    }
    strings.sort_unstable();
    obfuscation::text_rules(source, &info, &strings, &mut raws);
    miner::miner_rules(source, &decoded, &mut raws);
    if hex_names >= 8 {
        let (start, end) = first_hex.unwrap_or((0, 0));
        raws.push(Raw::new(
            RuleId::ObfuscationHexNames,
            start,
            end,
            format!("{hex_names} `_0x…` names"),
        ));
    }
    if !parsed_ok {
        token_fallback(source, &mut raws);
    }
    post_rules(&mut raws);
    let findings = finish(source, raws, opts.context);
    metrics.obfuscation = findings
        .iter()
        .filter(|f| f.category == Category::Obfuscation)
        .map(|f| f.score)
        .max()
        .unwrap_or(0);
    if metrics.obfuscation >= 50 {
        metrics.minified = false;
    }
    let score = aggregate(&findings);
    Report {
        sha256,
        context: opts.context,
        score,
        verdict: Verdict::from_score(score),
        findings,
        metrics,
        parse_error,
    }
}

thread_local! {
    static DEEP_THREADS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Syntax passes this thread handed to a fresh deep-stack thread so far (the tests check
/// which side of the rule a file fell on).
pub fn deep_threads_started() -> u64 {
    DEEP_THREADS.with(|n| n.get())
}

/// Stack the syntax pass of code with this depth bound may use, at most.
pub fn stack_needed(depth_estimate: u32) -> usize {
    STACK_BASE.saturating_add((depth_estimate as usize).saturating_mul(STACK_PER_LEVEL))
}

/// The depth bound of `source` ([`obfuscation::TextInfo::depth_estimate`]): over its open
/// brackets, one per bracket plus the bytes of code since the last `,` / `;` at that level.
pub fn depth_estimate(source: &str) -> u32 {
    obfuscation::text_pass(source).depth_estimate
}

/// Runs `f` (a syntax pass of code with this depth bound) on the caller's stack when what is
/// left of it covers [`stack_needed`], else on a fresh thread with a [`DEEP_STACK`] stack:
/// nearly every real file fits the caller's stack, and a thread per file cost ~5 % of a scan.
/// The check reads the thread's real stack bounds (never the scanned code's word); when they
/// are unknown the fresh thread is used. `None` when that thread could not start or panicked.
fn with_stack_for<T: Send>(depth_estimate: u32, f: impl FnOnce() -> T + Send) -> Option<T> {
    let need = stack_needed(depth_estimate);
    if stacker::remaining_stack().is_some_and(|left| left >= need) {
        return Some(f());
    }
    DEEP_THREADS.with(|n| n.set(n.get() + 1));
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("scan-deep".into())
            .stack_size(DEEP_STACK.max(need))
            .spawn_scoped(s, f)
            .ok()
            .and_then(|h| h.join().ok())
    })
}

/// Compiles one of the scanner's own patterns (never one from the user or the scanned code).
/// It cannot fail at run time: every pattern is a literal in this module tree, and the unit
/// tests force each of them (`every_constant_regex_compiles` here and in `obfuscation`, `ast`).
#[allow(clippy::expect_used)]
pub(crate) fn constant_regex(pattern: &str) -> regex::bytes::Regex {
    regex::bytes::Regex::new(pattern).expect("a constant pattern compiles")
}

/// 1-based line and 1-based character column of a byte offset.
pub fn line_col(src: &str, off: usize) -> (u32, u32) {
    let mut off = off.min(src.len());
    while !src.is_char_boundary(off) {
        off -= 1;
    }
    let before = &src.as_bytes()[..off];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let ls = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = src[ls..off].chars().count() + 1;
    (line as u32, col as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constant_regex_compiles() {
        // Forces the fallback's rule table (its patterns compile on first use).
        let mut raws = Vec::new();
        token_fallback("eval(", &mut raws);
        assert!(raws.iter().any(|r| r.rule == RuleId::EvalDirect));
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
