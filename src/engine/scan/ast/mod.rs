//! The syntax-level rules: one visit over the oxc AST, resolving names through
//! [`fold::Env`] so that spelling tricks reach the same rules as plain code.
//!
//! This file holds the scanner's state, the helpers every rule uses and the visitor, which
//! dispatches to: `calls` (calls and `new`; with `code` for code made from text, `network`
//! for network sinks and exfiltration, `pollution` for merges and path writers given
//! polluting payloads), `members` (member reads and writes), `bindings` (what names stand
//! for), `finder` (bounded searches inside an expression) and `metrics` (nesting,
//! complexity, identifier statistics).

mod bindings;
mod calls;
mod code;
mod finder;
mod members;
mod metrics;
mod network;
mod pollution;

pub(crate) use metrics::Shape;

use super::fold::{self, Env, Folded, Sym};
use super::{Evidence, Raw, RuleId};
use oxc_ast::ast::*;
use oxc_ast::AstKind;
use oxc_ast_visit::{walk, Visit};
use oxc_span::Span;
use regex::bytes::Regex;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::LazyLock;

static SENSITIVE_PATH: LazyLock<Regex> = LazyLock::new(|| {
    super::constant_regex(
        r"(?i-u)(\.ssh(/|\\|$)|id_rsa|id_ed25519|/etc/passwd|/etc/shadow|/etc/sudoers|(^|[/\\~])\.npmrc|(^|[/\\~])\.aws(/|\\|$)|\.aws/credentials|\.docker/config\.json|\.kube/config|\.gnupg|\.bash_history|\.git-credentials|\.netrc|wallet\.dat)",
    )
});

/// Whether `v` can match [`SENSITIVE_PATH`] (a quick test before the regex): each of its
/// alternatives holds `.` before one of `s a n d k g b` (`.ssh`, `.aws`, `.npmrc`, `.netrc`,
/// `.docker`, `.kube`, `.gnupg`, `.git-credentials`, `.bash_history`, `wallet.dat`), `d_`
/// (`id_rsa`, `id_ed25519`) or `/etc/`, in either case.
fn may_name_sensitive_path(v: &[u8]) -> bool {
    memchr::memchr3_iter(b'.', b'_', b'/', v).any(|i| {
        let next = v.get(i + 1).map(u8::to_ascii_lowercase);
        match v[i] {
            b'.' => matches!(next, Some(b's' | b'a' | b'n' | b'd' | b'k' | b'g' | b'b')),
            b'_' => i > 0 && v[i - 1].eq_ignore_ascii_case(&b'd'),
            _ => v
                .get(i + 1..i + 5)
                .is_some_and(|t| t.eq_ignore_ascii_case(b"etc/")),
        }
    })
}

/// Text that writes through the prototype chain when used as a key path: `__proto__`, or
/// `constructor` then `prototype` as neighbouring path segments.
pub(super) fn polluting_text(t: &str) -> bool {
    static PATH: LazyLock<Regex> = LazyLock::new(|| {
        super::constant_regex(r"__proto__|constructor[\]\[.'\x22`,\s]{1,8}prototype")
    });
    t.len() < 64 * 1024 && PATH.is_match(t.as_bytes())
}

/// A literal (string, template, array, object) whose text carries a polluting key path; the
/// text of code (a function, a call) is not data handed to a path writer.
pub(super) fn literal_polluting(e: &Expression<'_>, src: &str) -> bool {
    // `JSON.parse('{"__proto__": …}')`: data all the same
    if let Expression::CallExpression(c) = e.without_parentheses() {
        let parse = c
            .callee
            .as_member_expression()
            .is_some_and(|m| m.static_property_name() == Some("parse"));
        return parse
            && c.arguments
                .first()
                .and_then(|a| a.as_expression())
                .is_some_and(|a| literal_polluting(a, src));
    }
    matches!(
        e.without_parentheses(),
        Expression::StringLiteral(_)
            | Expression::TemplateLiteral(_)
            | Expression::ArrayExpression(_)
            | Expression::ObjectExpression(_)
    ) && polluting_text(fold::raw(src, oxc_span::GetSpan::span(e)))
}

/// Whether `e` (the value assigned to `name`) descends one step into a key path:
/// `cur = cur[k]`, `o = o[s] || (o[s] = {})`, `node = node[k] ?? {}`.
fn descends(name: &str, e: &Expression<'_>, depth: u32) -> bool {
    if depth > 4 {
        return false;
    }
    match e.without_parentheses() {
        Expression::ComputedMemberExpression(m) => {
            matches!(m.object.without_parentheses(), Expression::Identifier(o) if o.name == name)
        }
        Expression::LogicalExpression(l) => {
            descends(name, &l.left, depth + 1) || descends(name, &l.right, depth + 1)
        }
        Expression::AssignmentExpression(a) => descends(name, &a.right, depth + 1),
        Expression::ConditionalExpression(c) => {
            descends(name, &c.consequent, depth + 1) || descends(name, &c.alternate, depth + 1)
        }
        _ => false,
    }
}

/// Most decoded text kept per file for the text-level rules.
const MAX_DECODED_TEXT: usize = 64 * 1024;

/// Modules and what loading them means.
fn module_rule(name: &str) -> Option<RuleId> {
    let base = fold::module_name(name);
    let base = base.split('/').next().unwrap_or(base);
    Some(match base {
        "child_process" => RuleId::ChildProcess,
        "fs" | "fs-extra" | "graceful-fs" => RuleId::FsAccess,
        "vm" | "v8" | "inspector" | "worker_threads" | "cluster" | "repl" | "wasi" | "vm2" => {
            RuleId::RequireDangerous
        }
        "http" | "https" | "http2" | "net" | "dgram" | "dns" | "tls" => RuleId::NetworkModule,
        "module" => RuleId::RequireDangerous,
        "os"
        | "process"
        | "readline"
        | "tty"
        | "perf_hooks"
        | "async_hooks"
        | "diagnostics_channel"
        | "trace_events"
        | "zlib"
        | "sqlite"
        | "constants" => RuleId::RequireHost,
        _ => return None,
    })
}

const BUILTINS: &[&str] = &[
    "Object", "Array", "Function", "String", "Number", "Boolean", "Symbol", "Promise", "RegExp",
    "Date", "Error", "Map", "Set", "WeakMap", "JSON", "Math", "Reflect",
];

/// Whether `path` names a built-in constructor, its prototype, or the global object.
fn is_builtin_target(path: &str) -> bool {
    let base = path.strip_suffix(".prototype").unwrap_or(path);
    BUILTINS.contains(&base) || fold::is_global_object(path)
}

/// A page element that makes a request once set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    /// `new Image()`, `createElement('img')`: setting `src` sends a GET.
    Image,
    /// `createElement('form')`: `submit()` sends its fields to its `action`.
    Form,
    /// `createElement('input' | 'textarea')`: a value a form sends.
    Field,
}

/// The syntax-level scanner state.
pub(crate) struct AstScan<'s> {
    src: &'s str,
    env: Env<'s>,
    opts: crate::engine::scan::ScanOptions,
    /// Above zero inside statements that cannot run (after `return`, `throw`…).
    dead: u32,
    pub findings: Vec<Raw>,
    /// Byte spans of string literals and template text (for the trojan-source rule).
    pub string_spans: Vec<(u32, u32)>,
    /// Where an `eval` is not a use of eval as a value (it is called, or under a unary
    /// operator such as `typeof`).
    handled: FxHashSet<u32>,
    /// Bindings whose value carries secret data (by key: per symbol under scope analysis).
    tainted: FxHashMap<fold::Key, finder::Secret>,
    /// Bindings holding code made from text (a Blob of it, its object URL); true when the
    /// text was decoded.
    code_values: FxHashMap<fold::Key, bool>,
    /// Per function being visited: (steps down a key path, mentions of `__proto__`/…).
    writers: Vec<(u32, u32)>,
    /// The binding of each function being visited, when it has a name (for recursion).
    writer_names: Vec<Option<fold::Key>>,
    /// Functions that write computed key paths without guarding against `__proto__`.
    path_writers: FxHashSet<fold::Key>,
    /// The function expression just left was an unguarded writer (for `const f = …`).
    last_writer_unguarded: bool,
    /// Bindings whose initial value carries a polluting key.
    polluting: FxHashSet<fold::Key>,
    /// Bindings holding a `<script>` element the code created.
    scripts: FxHashSet<fold::Key>,
    /// Bindings declared with a value that is not a function the code wrote
    /// (`const F = x.constructor`, `const { value: F } = d`): where such a value came from
    /// is not in sight.
    value_bindings: FxHashSet<fold::Key>,
    /// Bindings holding a page element that sends a request when set up: an image whose
    /// `src` is set, a form that is submitted, a form field.
    elements: FxHashMap<fold::Key, Element>,
    /// Secret data the code put into a form field it created.
    form_secret: Option<finder::Secret>,
    /// Bindings holding the host's `module` object (`let m = module`, walked up by `m.parent`).
    module_objs: FxHashSet<fold::Key>,
    /// Text decoded from the code's constants (bounded), for the text-level rules.
    pub decoded: String,
    /// Bindings that hold a network client (`new WebSocket`, `https.request(…)`).
    clients: FxHashSet<fold::Key>,
    /// Without scope analysis: how often each name is bound anywhere (aliases are trusted
    /// only for unique names).
    bindings: FxHashMap<&'s str, u32>,
    /// How deep inside evaluated strings this scan is.
    nest: u8,
    /// Bytes of evaluated strings still to scan.
    nested_budget: usize,
    /// Names assigned with `name = …` so far.
    assigned: FxHashSet<String>,
    pub shape: Shape,
}

impl<'s> AstScan<'s> {
    /// A scanner for code found inside code (`eval("…")`), `nest` levels deep, resolving
    /// names through `scoping` when scope analysis ran.
    pub(crate) fn nested(
        src: &'s str,
        nest: u8,
        opts: crate::engine::scan::ScanOptions,
        scoping: Option<&'s oxc_semantic::Scoping>,
    ) -> Self {
        AstScan {
            nest,
            opts,
            dead: 0,
            // top level: the source's size (at least 64 KB); nested: its own size, so the
            // total work stays a small multiple of the input
            nested_budget: if nest == 0 {
                src.len().max(64 * 1024)
            } else {
                src.len()
            },
            src,
            env: Env::new(scoping),
            findings: Vec::new(),
            string_spans: Vec::new(),
            handled: FxHashSet::default(),
            tainted: FxHashMap::default(),
            clients: FxHashSet::default(),
            decoded: String::new(),
            code_values: FxHashMap::default(),
            writers: Vec::new(),
            writer_names: Vec::new(),
            path_writers: FxHashSet::default(),
            last_writer_unguarded: false,
            polluting: FxHashSet::default(),
            scripts: FxHashSet::default(),
            value_bindings: FxHashSet::default(),
            elements: FxHashMap::default(),
            form_secret: None,
            module_objs: FxHashSet::default(),
            bindings: FxHashMap::default(),
            assigned: FxHashSet::default(),
            shape: Shape::default(),
        }
    }

    /// `switch (order[i++])` over `'3|1|0|2'.split('|')` with cases that `continue`: control
    /// flow flattened by an obfuscator (a state machine switches on its state, not on the
    /// next entry of a shuffled order string).
    fn check_flattening(&mut self, it: &SwitchStatement<'_>) {
        let Expression::ComputedMemberExpression(m) = it.discriminant.without_parentheses() else {
            return;
        };
        if !matches!(
            m.expression.without_parentheses(),
            Expression::UpdateExpression(_)
        ) {
            return;
        }
        let order = match m.object.without_parentheses() {
            Expression::Identifier(id) => match self.env.alias(id) {
                Some(fold::Alias::Arr(a)) => Some(a.clone()),
                _ => None,
            },
            other => self.env.fold_array_expr(other, self.src),
        };
        let Some(order) = order else {
            return;
        };
        let continues = it
            .cases
            .iter()
            .filter(|c| matches!(c.consequent.last(), Some(Statement::ContinueStatement(_))))
            .count();
        if order.len() >= 3 && continues >= 3 {
            let detail = format!("{} steps dispatched by an order string", order.len());
            self.add(RuleId::ObfuscationFlattening, it.span, None, detail);
        }
    }

    /// Leaves a function: one that walks down a key path (`cur = cur[k]`, a `reduce` that
    /// returns `o[p]`) and never mentions `__proto__`, `constructor` or `prototype` is an
    /// unguarded path writer (a deep set, unflatten or query parser); what its callbacks do
    /// counts as its own.
    fn leave_writer(&mut self, id: Option<&BindingIdentifier<'_>>) {
        let Some((writes, guards)) = self.writers.pop() else {
            return;
        };
        if let Some(parent) = self.writers.last_mut() {
            parent.0 += writes;
            parent.1 += guards;
        }
        if writes > 0 && guards == 0 {
            if let Some(id) = id {
                let k = self.env.binding_key(id);
                self.path_writers.insert(k);
            }
            self.last_writer_unguarded = true;
        } else {
            self.last_writer_unguarded = false;
        }
    }

    /// Whether an argument carries a polluting key (`__proto__`, `constructor.prototype`),
    /// in its own text or in the value of the name it reads.
    pub(super) fn polluting_arg(&self, e: &Expression<'_>) -> bool {
        if literal_polluting(e, self.src) {
            return true;
        }
        let mut root = e.without_parentheses();
        while let Some(m) = root.as_member_expression() {
            root = m.object().without_parentheses();
        }
        match root {
            Expression::Identifier(id) => self
                .env
                .ref_key(id)
                .is_some_and(|k| self.polluting.contains(&k)),
            _ => self.fold(e).is_some_and(|f| polluting_text(&f.value)),
        }
    }

    /// Lets names resolve through the constant evaluator's results.
    pub(crate) fn attach_evaluator(
        &mut self,
        ev: &'s dyn crate::engine::scan::eval::ConstEval,
        seeds: FxHashMap<fold::Key, fold::Alias>,
    ) {
        let env = std::mem::take(&mut self.env);
        self.env = env.with_eval(ev, seeds);
    }

    fn add(&mut self, rule: RuleId, span: Span, folded: Option<&Folded>, detail: String) {
        self.add_ev(rule, span, folded, detail, &[]);
    }

    /// [`AstScan::add`] with evidence found by the detector.
    fn add_ev(
        &mut self,
        rule: RuleId,
        span: Span,
        folded: Option<&Folded>,
        detail: String,
        evidence: &[Evidence],
    ) {
        let hidden = folded.is_some_and(|f| f.hidden);
        let mut raw = Raw::new(rule, span.start, span.end, detail);
        raw.folded = folded.filter(|f| f.hidden).map(|f| f.value.to_string());
        raw.hidden = hidden;
        raw.evidence.extend_from_slice(evidence);
        if folded.is_some_and(|f| f.decoded) {
            raw.evidence.push(Evidence::Decoded);
        }
        raw.dead = self.dead > 0;
        self.findings.push(raw);
    }

    fn add_sym(&mut self, rule: RuleId, span: Span, sym: &Sym, detail: String) {
        let value = match sym.path.strip_prefix("module:") {
            Some(rest) => match rest.split_once('.') {
                Some((m, tail)) => compact_str::format_compact!("require('{m}').{tail}"),
                None => compact_str::format_compact!("require('{rest}')"),
            },
            None => sym.path.clone(),
        };
        let f = Folded {
            value,
            hidden: sym.hidden,
            decoded: false,
        };
        self.add(rule, span, Some(&f), detail);
    }

    fn resolve(&self, e: &Expression) -> Option<Sym> {
        self.env.resolve(e, self.src)
    }

    fn fold(&self, e: &Expression) -> Option<Folded> {
        self.env.fold(e, self.src)
    }

    /// A string or template text that names a credential or system file.
    fn check_sensitive_path(&mut self, v: &str, span: Span) {
        if v.len() >= 5
            && v.len() < 4096
            && may_name_sensitive_path(v.as_bytes())
            && SENSITIVE_PATH.is_match(v.as_bytes())
        {
            let detail = format!("`{}`", crate::engine::text::truncate(v, 60));
            self.add(RuleId::SensitivePath, span, None, detail);
        }
    }

    /// `for (k in process.env)`, `{...process.env}`: the whole environment taken at once.
    fn check_whole_env(&mut self, e: &Expression, span: Span, verb: &str) {
        if self.resolve(e).is_some_and(|s| s.path == "process.env") {
            let detail = format!("{verb} `process.env`");
            self.add(RuleId::ProcessEnv, span, None, detail);
        }
    }

    /// A finding for loading the module `name`; `static_load` when it is a `require` or an
    /// `import` declaration (what a module grant can allow; `import()` never is).
    fn module_finding(&mut self, name: &Folded, span: Span, static_load: bool) {
        if let Some(rule) = module_rule(&name.value) {
            let detail = format!("loads `{}`", fold::module_name(&name.value));
            self.add(rule, span, Some(name), detail.clone());
            if static_load && !name.hidden && !name.decoded {
                if let Some(r) = self.findings.last_mut() {
                    r.target = Some(crate::engine::scan::Target::Module(name.value.to_string()));
                }
            }
            // A host module loaded under a hidden name is module loading that conceals
            // itself, whatever the module then does.
            if name.hidden && rule.rule().category != crate::engine::Category::ModuleLoading {
                let detail = format!("{detail} under a hidden name");
                self.add(RuleId::RequireHost, span, Some(name), detail);
            }
        }
    }
}

impl<'a: 's, 's> Visit<'a> for AstScan<'s> {
    fn enter_node(&mut self, kind: AstKind<'a>) {
        self.shape.enter(&kind);
    }

    fn leave_node(&mut self, kind: AstKind<'a>) {
        self.shape.leave(&kind);
    }

    fn visit_expression(&mut self, e: &Expression<'a>) {
        match e {
            Expression::ChainExpression(_) => self.check_member(e),
            Expression::CallExpression(c)
                if c.callee
                    .as_member_expression()
                    .and_then(|m| m.static_property_name())
                    == Some("get") =>
            {
                self.check_member(e)
            }
            Expression::NewExpression(n) => self.check_new(n),
            Expression::StaticMemberExpression(_) | Expression::ComputedMemberExpression(_) => {
                self.check_member(e)
            }
            Expression::AssignmentExpression(a) => {
                if let AssignmentTarget::AssignmentTargetIdentifier(id) = &a.left {
                    if descends(id.name.as_str(), &a.right, 0) {
                        if let Some(top) = self.writers.last_mut() {
                            top.0 += 1;
                        }
                    }
                    self.assign_name(id, a);
                }
                self.constructor_assign_pattern(&a.left, 0, a.span);
                self.check_assign(a);
            }
            Expression::Identifier(id)
                if id.name == "eval" && !self.handled.contains(&id.span.start) =>
            {
                self.add(
                    RuleId::EvalIndirect,
                    id.span,
                    None,
                    "`eval` used as a value".into(),
                );
            }
            Expression::UnaryExpression(u) => self.check_unary(u),
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                self.shape.coercion(b)
            }
            Expression::ImportExpression(i) => self.check_dynamic_import(i),
            _ => {}
        }
        walk::walk_expression(self, e);
    }

    fn visit_statements(&mut self, it: &oxc_allocator::Vec<'a, Statement<'a>>) {
        // After a statement that always leaves the block, what follows cannot run (function
        // declarations excepted: they are hoisted and may be called from live code).
        let mut ended = false;
        for st in it {
            let dead_here = ended && !matches!(st, Statement::FunctionDeclaration(_));
            if dead_here {
                self.dead += 1;
            }
            self.visit_statement(st);
            if dead_here {
                self.dead -= 1;
            }
            if matches!(
                st,
                Statement::ReturnStatement(_)
                    | Statement::ThrowStatement(_)
                    | Statement::BreakStatement(_)
                    | Statement::ContinueStatement(_)
            ) {
                ended = true;
            }
        }
    }

    fn visit_function(&mut self, f: &Function<'a>, flags: oxc_syntax::scope::ScopeFlags) {
        self.writers.push((0, 0));
        self.writer_names
            .push(f.id.as_ref().map(|id| self.env.binding_key(id)));
        walk::walk_function(self, f, flags);
        self.writer_names.pop();
        self.leave_writer(f.id.as_ref());
        self.bind_decoder_function(f);
    }

    fn visit_arrow_function_expression(&mut self, f: &ArrowFunctionExpression<'a>) {
        self.writers.push((0, 0));
        self.writer_names.push(None);
        walk::walk_arrow_function_expression(self, f);
        self.writer_names.pop();
        self.leave_writer(None);
    }

    fn visit_call_expression(&mut self, c: &CallExpression<'a>) {
        // Here rather than in visit_expression: optional calls (`eval?.(x)`) arrive only here.
        self.check_call(c);
        self.bind_iife_params(c);
        if self.decoded.len() < MAX_DECODED_TEXT {
            if let Some(f) = self.env.fold_call_expr(c, self.src).filter(|f| f.decoded) {
                self.decoded.push_str(&f.value);
                self.decoded.push('\n');
            }
        }
        walk::walk_call_expression(self, c);
    }

    fn visit_formal_parameter(&mut self, it: &FormalParameter<'a>) {
        // function f({ constructor: { constructor: F } }) — whatever is passed in
        self.constructor_pattern(&it.pattern, false, it.span);
        walk::walk_formal_parameter(self, it);
    }

    fn visit_variable_declarator(&mut self, d: &VariableDeclarator<'a>) {
        walk::walk_variable_declarator(self, d);
        self.bind_declarator(d);
    }

    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        walk::walk_import_declaration(self, it);
        let f = Folded {
            value: it.source.value.as_str().into(),
            hidden: false,
            decoded: false,
        };
        self.module_finding(&f, it.span, true);
        self.bind_import(it);
    }

    fn visit_for_in_statement(&mut self, it: &ForInStatement<'a>) {
        self.check_whole_env(&it.right, it.span, "enumerates");
        walk::walk_for_in_statement(self, it);
    }

    fn visit_spread_element(&mut self, it: &SpreadElement<'a>) {
        self.check_whole_env(&it.argument, it.span, "spreads");
        walk::walk_spread_element(self, it);
    }

    fn visit_string_literal(&mut self, it: &StringLiteral<'a>) {
        if matches!(it.value.as_str(), "__proto__" | "constructor" | "prototype") {
            if let Some(top) = self.writers.last_mut() {
                top.1 += 1;
            }
        }
        self.string_spans.push((it.span.start, it.span.end));
        self.check_sensitive_path(it.value.as_str(), it.span);
    }

    fn visit_reg_exp_literal(&mut self, it: &RegExpLiteral<'a>) {
        // Regex literals hold text like strings do (locale patterns with ZWNJ, RTL marks).
        self.string_spans.push((it.span.start, it.span.end));
    }

    fn visit_template_literal(&mut self, it: &TemplateLiteral<'a>) {
        for q in &it.quasis {
            self.string_spans.push((q.span.start, q.span.end));
        }
        for q in &it.quasis {
            let v = q.value.cooked.as_ref().map_or("", |c| c.as_str());
            self.check_sensitive_path(v, q.span);
        }
        walk::walk_template_literal(self, it);
    }

    fn visit_binding_identifier(&mut self, it: &BindingIdentifier<'a>) {
        let name = it.name.as_str();
        self.shape.symbol_name(name);
        self.count_binding(name);
        self.ident(name, it.span, true);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        self.shape.symbol_name(it.name.as_str());
        self.ident(it.name.as_str(), it.span, false);
    }

    fn visit_identifier_name(&mut self, it: &IdentifierName<'a>) {
        // Property names: only the look-alike check (entropy counts bindings and references).
        if !it.name.is_ascii() {
            self.ident(it.name.as_str(), it.span, false);
        }
        self.shape.symbol_name(it.name.as_str());
    }

    fn visit_switch_statement(&mut self, it: &SwitchStatement<'a>) {
        self.check_flattening(it);
        walk::walk_switch_statement(self, it);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constant_regex_compiles() {
        assert!(SENSITIVE_PATH.is_match(b"/home/u/.ssh/id_rsa"));
    }

    #[test]
    fn the_quick_path_test_passes_every_path_the_regex_matches() {
        let paths = [
            ".ssh",
            "~/.SSH/",
            "x/.ssh\\k",
            "id_rsa",
            "ID_RSA.pub",
            "id_ed25519",
            "/etc/passwd",
            "/ETC/shadow",
            "/etc/sudoers",
            ".npmrc",
            "~/.npmrc",
            "a/.Npmrc",
            ".aws",
            ".aws/",
            "~/.aws\\x",
            "x.aws/credentials",
            ".docker/config.json",
            ".kube/config",
            ".gnupg",
            ".bash_history",
            ".git-credentials",
            ".netrc",
            "wallet.dat",
            "C:/WALLET.DAT",
        ];
        for p in paths {
            assert!(SENSITIVE_PATH.is_match(p.as_bytes()), "{p}");
            assert!(may_name_sensitive_path(p.as_bytes()), "{p}");
        }
        // generated texts: whatever the regex matches, the quick test passes
        let pieces = [
            ".",
            "/",
            "_",
            "\\",
            "~",
            "s",
            "S",
            "h",
            "id",
            "rsa",
            "ed25519",
            "etc",
            "passwd",
            "npmrc",
            "aws",
            "docker",
            "kube",
            "config",
            "gnupg",
            "bash",
            "history",
            "git",
            "credentials",
            "netrc",
            "wallet",
            "dat",
            "x",
            " ",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut matched = 0;
        for _ in 0..200_000 {
            let mut t = String::new();
            for _ in 0..(seed % 9 + 1) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            if SENSITIVE_PATH.is_match(t.as_bytes()) {
                matched += 1;
                assert!(may_name_sensitive_path(t.as_bytes()), "{t:?}");
            }
        }
        assert!(matched > 100, "{matched}");
        // and it turns away ordinary strings
        for s in [
            "./lib/index.js",
            "use strict",
            "https://example.com/x",
            "a_b_c",
        ] {
            assert!(!may_name_sensitive_path(s.as_bytes()), "{s}");
        }
    }
}
