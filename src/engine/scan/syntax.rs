//! The syntax pass: parse once (script first, module as fallback), visit once, and the
//! regex fallback for code that does not parse.

use super::*;

pub(super) struct SyntaxOut {
    pub(super) findings: Vec<Raw>,
    pub(super) strings: Vec<(u32, u32)>,
    pub(super) parse_error: Option<String>,
    pub(super) max_nesting: u32,
    pub(super) complexity: u32,
    pub(super) entropy: f64,
    pub(super) avg_ident_len: f64,
    pub(super) hex_names: u32,
    pub(super) first_hex: Option<(u32, u32)>,
    pub(super) decoded: String,
    pub(super) symbol_names: u32,
    pub(super) coercions: u32,
}

/// The findings of code found inside code (the folded argument of eval / Function / a timer),
/// with offsets into that code. Text rules included; too-deep code is skipped.
pub fn nested_raws(code: &str, nest: u8, opts: &ScanOptions) -> Vec<Raw> {
    let info = obfuscation::text_pass(code);
    if info.depth_estimate > NESTED_MAX_DEPTH {
        return Vec::new();
    }
    // Deep in the outer visit: the stack left may not cover this scan (the outer file's own
    // bound did not count it), so the same rule as the outer scan decides where it runs.
    let Some(out) = with_stack_for(info.depth_estimate, || syntax_pass(code, nest, opts)) else {
        return Vec::new();
    };
    let mut raws = out.findings;
    let mut strings = out.strings;
    strings.sort_unstable();
    obfuscation::text_rules(code, &info, &strings, &mut raws);
    raws
}

// One arena per thread, reset between scans (a fresh arena per file costs page faults);
// an arena grown past 64 MB by a huge file is dropped instead of kept.
thread_local! {
    static ARENA: std::cell::RefCell<Option<oxc_allocator::Allocator>> =
        const { std::cell::RefCell::new(None) };
}

/// This thread's arena (a new one when it is in use by an outer scan or was dropped).
pub(super) fn take_arena() -> oxc_allocator::Allocator {
    ARENA.with(|a| a.borrow_mut().take()).unwrap_or_default()
}

pub(super) fn keep_arena(alloc: oxc_allocator::Allocator) {
    if alloc.capacity() <= 64 << 20 {
        ARENA.with(|a| *a.borrow_mut() = Some(alloc));
    }
}

/// Parses once (script first, module as fallback) and visits once.
pub(super) fn syntax_pass(source: &str, nest: u8, opts: &ScanOptions) -> SyntaxOut {
    let mut alloc = take_arena();
    let out = syntax_pass_in_arena(&mut alloc, source, nest, opts);
    keep_arena(alloc);
    out
}

/// [`syntax_pass`] in the caller's arena (the deep-stack thread borrows its caller's).
pub(super) fn syntax_pass_in_arena(
    alloc: &mut oxc_allocator::Allocator,
    source: &str,
    nest: u8,
    opts: &ScanOptions,
) -> SyntaxOut {
    use oxc_parser::ParseOptions;
    let popts = ParseOptions {
        preserve_parens: false,
        allow_return_outside_function: true,
        ..ParseOptions::default()
    };
    alloc.reset();
    syntax_pass_in(alloc, source, popts, nest, opts)
}

pub(super) fn syntax_pass_in(
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
pub(super) fn visit<'a>(
    source: &str,
    program: &'a oxc_ast::ast::Program<'a>,
    nest: u8,
    opts: &ScanOptions,
    parse_error: Option<String>,
) -> SyntaxOut {
    let semantic = opts.scopes.then(|| {
        oxc_semantic::SemanticBuilder::new()
            .with_build_nodes(false)
            .with_stats(semantic_capacity(source.len()))
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

/// Capacities for scope analysis, from the source's size. Without them oxc counts the
/// tree's scopes, symbols and references in a walk of its own before the real one (a fifth
/// of the analysis); they only size the tables, so an estimate changes no result: one too
/// small grows like any vector. Per byte of the npm corpus: 0.0044 scopes, 0.0070 symbols,
/// 0.0276 references on average; the estimate is about 1.5 times that.
fn semantic_capacity(len: usize) -> oxc_semantic::Stats {
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    oxc_semantic::Stats::new(len / 8, len / 150 + 1, len / 100 + 1, len / 25 + 1)
}

pub(super) fn syntax_out(v: ast::AstScan<'_>, parse_error: Option<String>) -> SyntaxOut {
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

/// Regex rules for code that does not parse (lower confidence, said so in the message).
pub(super) fn token_fallback(source: &str, raws: &mut Vec<Raw>) {
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
