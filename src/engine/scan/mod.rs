//! The threat scanner: source → [`Report`] {findings, score, verdict}. Pure, never panics on
//! any input, cached by SHA-256.

pub(crate) mod ast;
pub(crate) mod decode;
pub mod eval;
pub(crate) mod fold;
pub mod miner;
pub(crate) mod obfuscation;
pub(crate) mod rules;
pub mod wasm;

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

impl ScanContext {
    pub const ALL: [ScanContext; 2] = [ScanContext::Plugin, ScanContext::Package];

    pub fn as_str(self) -> &'static str {
        match self {
            ScanContext::Plugin => "plugin",
            ScanContext::Package => "package",
        }
    }

    pub fn parse(s: &str) -> Option<ScanContext> {
        ScanContext::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl std::fmt::Display for ScanContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
/// Above this depth bound ([`obfuscation::TextInfo::depth_estimate`]) the parse and visit run
/// on a thread with a 1 GB stack (reserved, not committed); at or below it, on the caller's.
const BIG_STACK_DEPTH: u32 = 256;
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
        let run = || syntax_pass(source, 0, opts);
        let out = if info.depth_estimate > BIG_STACK_DEPTH {
            std::thread::scope(|s| {
                std::thread::Builder::new()
                    .name("scan-deep".into())
                    .stack_size(1 << 30)
                    .spawn_scoped(s, run)
                    .ok()
                    .and_then(|h| h.join().ok())
            })
        } else {
            Some(run())
        };
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

struct SyntaxOut {
    findings: Vec<Raw>,
    strings: Vec<(u32, u32)>,
    parse_error: Option<String>,
    max_nesting: u32,
    complexity: u32,
    entropy: f64,
    avg_ident_len: f64,
    hex_names: u32,
    first_hex: Option<(u32, u32)>,
    decoded: String,
    symbol_names: u32,
    coercions: u32,
}

/// Parses once (script first, module as fallback) and visits once.
/// The findings of code found inside code (the folded argument of eval / Function / a timer),
/// with offsets into that code. Text rules included; too-deep code is skipped.
pub fn nested_raws(code: &str, nest: u8, opts: &ScanOptions) -> Vec<Raw> {
    let info = obfuscation::text_pass(code);
    if info.depth_estimate > BIG_STACK_DEPTH {
        return Vec::new();
    }
    let out = syntax_pass(code, nest, opts);
    let mut raws = out.findings;
    let mut strings = out.strings;
    strings.sort_unstable();
    obfuscation::text_rules(code, &info, &strings, &mut raws);
    raws
}

fn syntax_pass(source: &str, nest: u8, opts: &ScanOptions) -> SyntaxOut {
    use oxc_parser::ParseOptions;
    let popts = ParseOptions {
        preserve_parens: false,
        allow_return_outside_function: true,
        ..ParseOptions::default()
    };
    // One arena per thread, reset between scans (a fresh arena per file costs page faults);
    // an arena grown past 64 MB by a huge file is dropped instead of kept.
    thread_local! {
        static ARENA: std::cell::RefCell<Option<oxc_allocator::Allocator>> =
            const { std::cell::RefCell::new(None) };
    }
    let mut alloc = ARENA.with(|a| a.borrow_mut().take()).unwrap_or_default();
    alloc.reset();
    let out = syntax_pass_in(&alloc, source, popts, nest, opts);
    if alloc.capacity() <= 64 << 20 {
        ARENA.with(|a| *a.borrow_mut() = Some(alloc));
    }
    out
}

fn syntax_pass_in(
    alloc: &oxc_allocator::Allocator,
    source: &str,
    popts: oxc_parser::ParseOptions,
    nest: u8,
    opts: &ScanOptions,
) -> SyntaxOut {
    use oxc_parser::Parser;
    use oxc_span::SourceType;
    // `unambiguous`: a script unless it uses import/export; one parse for nearly every file.
    let ret = Parser::new(alloc, source, SourceType::unambiguous())
        .with_options(popts)
        .parse();
    if ret.panicked || ret.diagnostics.has_errors() {
        for st in [SourceType::cjs(), SourceType::mjs()] {
            let alloc2 = oxc_allocator::Allocator::default();
            let other = Parser::new(&alloc2, source, st).with_options(popts).parse();
            if !other.panicked && !other.diagnostics.has_errors() {
                return visit(source, &other.program, nest, opts, None);
            }
        }
    }
    let parse_error = ret.diagnostics.errors().next().map(|d| {
        let at = d.labels.first().map(|l| l.offset() as usize);
        match at {
            Some(off) => {
                let (line, col) = line_col(source, off);
                format!("{}:{}: {}", line, col, d.message)
            }
            None => d.message.to_string(),
        }
    });
    let parse_error =
        parse_error.or_else(|| ret.panicked.then(|| "unrecoverable syntax error".into()));
    visit(source, &ret.program, nest, opts, parse_error)
}

/// Scope analysis (when on), then the one visit.
fn visit<'a>(
    source: &str,
    program: &'a oxc_ast::ast::Program<'a>,
    nest: u8,
    opts: &ScanOptions,
    parse_error: Option<String>,
) -> SyntaxOut {
    let semantic = opts.scopes.then(|| {
        oxc_semantic::SemanticBuilder::new()
            .with_build_nodes(false)
            .build(program)
            .semantic
    });
    let scoping = semantic.as_ref().map(|s| s.scoping());
    let evaluator = opts
        .evaluate
        .then(|| eval::Evaluator::new(program, scoping, eval::Budget::for_source(source.len())));
    let mut v = ast::AstScan::nested(source, nest, *opts, scoping);
    if let Some(ev) = &evaluator {
        v.attach_evaluator(ev, ev.seeds());
    }
    oxc_ast_visit::Visit::visit_program(&mut v, program);
    syntax_out(v, parse_error)
}

fn syntax_out(v: ast::AstScan<'_>, parse_error: Option<String>) -> SyntaxOut {
    SyntaxOut {
        avg_ident_len: v.shape.avg_ident_len(),
        entropy: v.shape.entropy(),
        max_nesting: v.shape.max_nesting,
        complexity: v.shape.complexity,
        hex_names: v.shape.hex_names,
        first_hex: v.shape.first_hex.map(|s| (s.start, s.end)),
        symbol_names: v.shape.symbol_names,
        coercions: v.shape.coercions,
        findings: v.findings,
        strings: v.string_spans,
        decoded: v.decoded,
        parse_error,
    }
}

/// Compiles one of the scanner's own patterns (never one from the user or the scanned code).
/// It cannot fail at run time: every pattern is a literal in this module tree, and the unit
/// tests force each of them (`every_constant_regex_compiles` here and in `obfuscation`, `ast`).
#[allow(clippy::expect_used)]
pub(crate) fn constant_regex(pattern: &str) -> regex::bytes::Regex {
    regex::bytes::Regex::new(pattern).expect("a constant pattern compiles")
}

/// Regex rules for code that does not parse (lower confidence, said so in the message).
fn token_fallback(source: &str, raws: &mut Vec<Raw>) {
    static RULES: LazyLock<Vec<(RuleId, regex::bytes::Regex)>> = LazyLock::new(|| {
        [
            (RuleId::EvalDirect, r"\beval\s*\("),
            (
                RuleId::FunctionConstructor,
                r#"\bnew\s+Function\s*\(|\bFunction\s*\(\s*['"`]"#,
            ),
            (
                RuleId::ConstructorChain,
                r#"constructor['"`]?\s*\]?\s*(\.|\[\s*['"`])\s*constructor"#,
            ),
            (RuleId::ChildProcess, r"child_process"),
            (
                RuleId::ProcessBinding,
                r"process\s*\.\s*(binding|_linkedBinding|dlopen)\s*\(",
            ),
            (RuleId::ProcessMainmodule, r"process\s*\.\s*mainModule"),
            (
                RuleId::ProtoPollution,
                r#"__proto__['"`]?\s*\]?\s*(\.|\[)\s*[\w$'"`]"#,
            ),
            (
                RuleId::RequireDangerous,
                r#"require\s*\(\s*['"`](node:)?(vm|v8|module|inspector|worker_threads)['"`]"#,
            ),
            (
                RuleId::FsAccess,
                r#"require\s*\(\s*['"`](node:)?fs(/promises)?['"`]"#,
            ),
            (
                RuleId::NetworkFetch,
                r"\bfetch\s*\(|\bXMLHttpRequest\b|\bnew\s+WebSocket\b",
            ),
        ]
        .into_iter()
        .map(|(id, re)| {
            let re = constant_regex(&format!("(?-u){re}"));
            (id, re)
        })
        .collect()
    });
    let bytes = source.as_bytes();
    for (id, re) in RULES.iter() {
        if raws.iter().any(|r| r.rule == *id) {
            continue;
        }
        for m in re.find_iter(bytes).take(MAX_PER_RULE) {
            raws.push(Raw::new(
                *id,
                m.start() as u32,
                m.end() as u32,
                "text match; the code did not parse".into(),
            ));
        }
    }
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

/// Positions, texts, scores; dedup (a finding inside another of the same rule goes), caps.
fn finish(src: &str, mut raws: Vec<Raw>, context: ScanContext) -> Vec<Finding> {
    // By id string, not by variant: findings of equal score and start keep the order they
    // have always had in the output (the final sort below is stable).
    raws.sort_by(|a, b| {
        (a.rule.as_str(), a.start, std::cmp::Reverse(a.end)).cmp(&(
            b.rule.as_str(),
            b.start,
            std::cmp::Reverse(b.end),
        ))
    });
    let mut kept: Vec<Raw> = Vec::with_capacity(raws.len().min(MAX_FINDINGS));
    let mut per_rule = 0usize;
    for r in raws {
        if let Some(last) = kept.last() {
            if last.rule == r.rule {
                if r.start >= last.start && r.end <= last.end && r.end > r.start {
                    continue;
                }
                if last.start == r.start && last.end == r.end {
                    continue;
                }
                per_rule += 1;
                if per_rule >= MAX_PER_RULE {
                    continue;
                }
            } else {
                per_rule = 0;
            }
        }
        kept.push(r);
    }
    // Line starts once, for all findings.
    let mut line_starts = vec![0usize];
    if !kept.is_empty() {
        line_starts.extend(
            src.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
    }
    let pos = |off: usize| -> (u32, u32) {
        let mut off = off.min(src.len());
        while !src.is_char_boundary(off) {
            off -= 1;
        }
        let li = line_starts.partition_point(|&s| s <= off) - 1;
        let ls = line_starts[li];
        // Columns count characters; bound the work on huge lines.
        let col = if off - ls > 1 << 20 {
            off - ls
        } else {
            src[ls..off].chars().count()
        };
        (li as u32 + 1, col as u32 + 1)
    };
    let mut out: Vec<Finding> = kept
        .into_iter()
        .map(|r| {
            let rule = r.rule.rule();
            let scored = score_of(&r, context);
            let (start, end) = (r.start as usize, (r.end as usize).max(r.start as usize));
            let (line, column) = pos(start);
            let (end_line, end_column) = pos(end);
            let (start, end) = (start.min(src.len()), end.min(src.len()));
            let text = src.get(start..end).unwrap_or("");
            let snippet = crate::engine::text::escape(
                &crate::engine::text::truncate(text, SNIPPET_CHARS),
                false,
            )
            .into_owned();
            let mut message = rule.message.to_string();
            if !r.detail.is_empty() {
                message.push_str(": ");
                message.push_str(&crate::engine::text::escape(&r.detail, false));
            }
            let folded = r.folded.map(|f| {
                crate::engine::text::escape(&crate::engine::text::truncate(&f, 200), false)
                    .into_owned()
            });
            if let Some(f) = &folded {
                message.push_str(&format!(" (resolves to `{f}`)"));
            }
            let (score, evidence) = scored;
            Finding {
                rule: rule.id,
                category: rule.category,
                score,
                severity: rule.severity,
                line,
                column,
                end_line,
                end_column,
                start,
                end,
                message,
                remediation: rule.remediation.to_string(),
                snippet,
                folded,
                evidence,
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.start.cmp(&b.start)));
    out.truncate(MAX_FINDINGS);
    out
}

/// A finding's score in `context` and the evidence behind it.
///
/// Plugin: the rule's score (its category's value for a capability). Package: the plain-use
/// score unless some evidence lifts it (concealment or a threatening argument), then the
/// rule's score. Rules that are evidence in themselves score the same in both. Unreachable
/// code is capped at [`UNREACHABLE_CAP`].
pub fn score_of(r: &Raw, context: ScanContext) -> (u8, Vec<Evidence>) {
    let rule = r.rule.rule();
    let mut ev: Vec<Evidence> = Vec::new();
    if let Some(i) = Evidence::intrinsic(r.rule) {
        ev.push(i);
    }
    if r.hidden {
        ev.push(Evidence::HiddenName);
    }
    ev.extend(r.evidence.iter().copied());
    ev.sort_unstable();
    ev.dedup();
    let lifted = ev.iter().any(|e| e.lifts());
    let mut score = match context {
        ScanContext::Plugin => {
            if ev.is_empty() {
                ev.push(Evidence::PluginReach);
            }
            rule.score
        }
        ScanContext::Package if lifted || rule.package == rule.score => rule.score,
        ScanContext::Package => {
            ev.push(Evidence::PlainUse);
            rule.package
        }
    };
    if r.dead {
        score = score.min(UNREACHABLE_CAP);
        ev.push(Evidence::Unreachable);
    }
    (score, ev)
}

/// Rules over the whole file's findings: execution hidden behind concealment is
/// obfuscation in its own right; a miner's names count only with its behaviour (the
/// detectors report the names as `miner-name` and the behaviour through `Evidence`).
fn post_rules(raws: &mut Vec<Raw>) {
    let exec = |r: &Raw| {
        matches!(
            r.rule,
            RuleId::EvalDirect
                | RuleId::EvalIndirect
                | RuleId::FunctionConstructor
                | RuleId::TimerString
                | RuleId::EncodedExec
                | RuleId::ChildProcess
                | RuleId::ChildProcessDetached
                | RuleId::VmRun
                | RuleId::DomCodeInjection
                | RuleId::ProcessBinding
                | RuleId::ConstructorChain
        ) && !r.dead
    };
    // A computed module name is execution only inside obfuscated code.
    let exec_in_family = |r: &Raw| {
        exec(r) || (matches!(r.rule, RuleId::RequireDynamic | RuleId::DynamicImport) && !r.dead)
    };
    let family = raws.iter().any(|r| {
        matches!(
            r.rule,
            RuleId::ObfuscationHexNames
                | RuleId::ObfuscationStringArray
                | RuleId::ObfuscationFlattening
                | RuleId::ObfuscationPacker
                | RuleId::ObfuscationJjencode
                | RuleId::ObfuscationJsfuck
                | RuleId::TrojanSource
                | RuleId::InvisibleChar
        )
    });
    // Execution whose name or code is hidden (folded, escaped, decoded), or any execution
    // in code shaped by an obfuscator, is obfuscation that hides execution.
    let hidden_exec = raws.iter().find(|r| {
        (exec(r)
            && (r.rule == RuleId::EncodedExec
                || r.hidden
                || r.evidence.contains(&Evidence::Decoded)))
            || (family && exec_in_family(r))
    });
    if let Some(h) = hidden_exec {
        let detail = format!("`{}` behind concealment", h.rule);
        let mut raw = Raw::new(RuleId::HiddenExecution, h.start, h.end, detail);
        raw.evidence
            .push(if h.evidence.contains(&Evidence::Decoded) {
                Evidence::Decoded
            } else {
                Evidence::HiddenName
            });
        raws.push(raw);
    }
}

/// The aggregate score: the highest finding, plus for every other category (strongest
/// first) a quarter of its highest score, halved for each further category; capped at 100.
/// Repeats of one category never add up, so many harmless `fetch` calls stay harmless.
pub fn aggregate(findings: &[Finding]) -> u8 {
    let mut per_cat: BTreeMap<Category, u8> = BTreeMap::new();
    for f in findings {
        let e = per_cat.entry(f.category).or_insert(0);
        *e = (*e).max(f.score);
    }
    let mut scores: Vec<u8> = per_cat.into_values().collect();
    scores.sort_unstable_by(|a, b| b.cmp(a));
    let Some((&top, rest)) = scores.split_first() else {
        return 0;
    };
    let mut total = u32::from(top);
    for (i, &s) in rest.iter().enumerate().take(8) {
        total += (u32::from(s) / 4) >> i;
    }
    total.min(100) as u8
}

/// A one-line explanation of how `report.score` was reached, naming the evidence behind
/// every point: `child-process 95 [plugin-reach] + network-fetch 75/4 [plugin-reach] = 100
/// (block; context plugin; …)`.
pub fn explain_score(report: &Report) -> String {
    let mut per_cat: BTreeMap<Category, &Finding> = BTreeMap::new();
    for f in &report.findings {
        let e = per_cat.entry(f.category).or_insert(f);
        if f.score > e.score {
            *e = f;
        }
    }
    let mut tops: Vec<&Finding> = per_cat.into_values().collect();
    tops.sort_by_key(|f| std::cmp::Reverse(f.score));
    if tops.is_empty() {
        return format!("no findings: score 0 (allow; context {})", report.context);
    }
    let ev = |f: &Finding| {
        f.evidence
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = vec![format!(
        "{} {} [{}]",
        tops[0].rule,
        tops[0].score,
        ev(tops[0])
    )];
    for (i, f) in tops.iter().skip(1).enumerate().take(8) {
        parts.push(format!(
            "+ {} {}/{} [{}]",
            f.rule,
            f.score,
            4u32 << i,
            ev(f)
        ));
    }
    format!(
        "{} = {} ({}; context {}; review ≥ {REVIEW_AT}, block ≥ {BLOCK_AT})",
        parts.join(" "),
        report.score,
        report.verdict.as_str(),
        report.context
    )
}

/// Counters of a [`Scanner`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    /// Every call to [`Scanner::scan`].
    pub scans: u64,
    /// Calls answered from the cache.
    pub cache_hits: u64,
    /// Reports currently cached.
    pub cached: usize,
    /// Findings per rule id over every fresh (uncached) scan.
    pub rule_counts: BTreeMap<String, u64>,
}

struct Cache {
    map: HashMap<String, Arc<Report>>,
    order: VecDeque<String>,
    rule_counts: BTreeMap<String, u64>,
}

/// A scanner with a bounded cache keyed by the SHA-256 of the source, and counters. The TUI
/// rescans on every (debounced) keystroke; repeated sources cost one hash.
pub struct Scanner {
    cap: usize,
    cache: Mutex<Cache>,
    scans: AtomicU64,
    hits: AtomicU64,
}

impl Scanner {
    /// A scanner keeping at most `cap` reports (oldest evicted first).
    pub fn new(cap: usize) -> Scanner {
        Scanner {
            cap: cap.max(1),
            cache: Mutex::new(Cache {
                map: HashMap::new(),
                order: VecDeque::new(),
                rule_counts: BTreeMap::new(),
            }),
            scans: AtomicU64::new(0),
            hits: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic elsewhere while holding the lock leaves plain data; keep using it.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Scans `source` in the plugin context, answering from the cache when the same text was
    /// scanned before.
    pub fn scan(&self, source: &str) -> Arc<Report> {
        self.scan_traced(source).0
    }

    /// [`Scanner::scan`] in `context`.
    pub fn scan_in(&self, source: &str, context: ScanContext) -> Arc<Report> {
        self.scan_request(source, context).0
    }

    /// [`Scanner::scan`], also saying whether the cache answered (the audit log records it
    /// per run, so the hit rate survives the process).
    pub fn scan_traced(&self, source: &str) -> (Arc<Report>, bool) {
        self.scan_request(source, ScanContext::Plugin)
    }

    /// Scans `source` in `context` through the cache (keyed by content and context).
    pub fn scan_request(&self, source: &str, context: ScanContext) -> (Arc<Report>, bool) {
        self.scans.fetch_add(1, Ordering::Relaxed);
        let sha = crate::engine::hash::sha256_hex(source.as_bytes());
        let key = format!("{sha}:{context}");
        if let Some(r) = self.lock().map.get(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return (Arc::clone(r), true);
        }
        let report = Arc::new(scan_with_hash(
            source,
            sha,
            &ScanOptions::in_context(context),
        ));
        let sha = key;
        let mut c = self.lock();
        for f in &report.findings {
            *c.rule_counts.entry(f.rule.to_string()).or_insert(0) += 1;
        }
        if !c.map.contains_key(&sha) {
            while c.map.len() >= self.cap {
                match c.order.pop_front() {
                    Some(old) => {
                        c.map.remove(&old);
                    }
                    None => break,
                }
            }
            c.order.push_back(sha.clone());
            c.map.insert(sha, Arc::clone(&report));
        }
        (report, false)
    }

    /// The counters so far.
    pub fn stats(&self) -> ScanStats {
        let c = self.lock();
        ScanStats {
            scans: self.scans.load(Ordering::Relaxed),
            cache_hits: self.hits.load(Ordering::Relaxed),
            cached: c.map.len(),
            rule_counts: c.rule_counts.clone(),
        }
    }
}

/// The process-wide scanner (256 cached reports), for the TUI and the CLI.
pub fn global() -> &'static Scanner {
    static G: LazyLock<Scanner> = LazyLock::new(|| Scanner::new(256));
    &G
}

/// [`scan`] through the process-wide cache.
pub fn scan_cached(source: &str) -> Arc<Report> {
    global().scan(source)
}

/// [`scan_with`] in `context` through the process-wide cache.
pub fn scan_cached_in(source: &str, context: ScanContext) -> Arc<Report> {
    global().scan_in(source, context)
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
    fn aggregate_is_max_plus_diminishing_other_categories() {
        let f = |rule: RuleId| {
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
                message: String::new(),
                remediation: String::new(),
                snippet: String::new(),
                folded: None,
                evidence: Vec::new(),
            }
        };
        assert_eq!(aggregate(&[]), 0);
        // repeats of one category never add up
        assert_eq!(
            aggregate(&[f(RuleId::NetworkFetch), f(RuleId::NetworkFetch)]),
            75
        );
        // 35 (encoded blob) + 30/4 (a path mentioned)
        assert_eq!(
            aggregate(&[f(RuleId::EncodedBlob), f(RuleId::SensitivePath)]),
            42
        );
        assert_eq!(
            aggregate(&[f(RuleId::ConstructorChain), f(RuleId::ChildProcess)]),
            100
        );
    }

    #[test]
    fn cache_hits_counters_and_bound() {
        let s = Scanner::new(2);
        let a = s.scan("eval(x)");
        let b = s.scan("eval(x)");
        assert!(Arc::ptr_eq(&a, &b));
        s.scan("1");
        s.scan("2");
        let st = s.stats();
        assert_eq!((st.scans, st.cache_hits, st.cached), (4, 1, 2));
        assert_eq!(st.rule_counts.get("eval-direct"), Some(&1));
        assert!(!s.scan_traced("3").1, "a new source is a miss");
        assert!(s.scan_traced("3").1, "the same source again is a hit");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
