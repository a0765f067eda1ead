//! What names stand for: declarations, imports, destructuring, first assignments,
//! parameters of immediately called functions and decoder functions become aliases in
//! [`fold::Env`], so later uses of the name resolve like the value it was bound to.
//!
//! Under scope analysis an alias belongs to one symbol and is trusted only when that symbol
//! is never written after its declaration (a parameter shadowing `process`, or a second
//! `const k` in another function, cannot borrow the alias). Without it (the benchmark's
//! control arm), aliases are trusted only for names bound once in the whole source.

use super::fold::{self, Env, Sym};
use super::AstScan;
use crate::engine::scan::RuleId;
use oxc_ast::ast::*;

/// Longest string remembered for a name (`const k = '…'`).
const MAX_ALIAS: usize = 512;

impl<'s> AstScan<'s> {
    /// What a name bound to `init` stands for: a constant string, an array of them, or a
    /// host object.
    fn alias_value(&self, init: &Expression<'_>) -> Option<fold::Alias> {
        if let Some(f) = self.fold(init) {
            // Every use copies the value: keep aliases short so uses stay cheap.
            (f.value.len() <= MAX_ALIAS).then_some(fold::Alias::Str(f))
        } else if let Some(a) = self.env.fold_array_expr(init, self.src) {
            (a.iter().map(String::len).sum::<usize>() <= MAX_ALIAS).then_some(fold::Alias::Arr(a))
        } else if let Some(s) = self.resolve(init) {
            Some(fold::Alias::Sym(s))
        } else if fold::function_valued(init, &self.env, self.src, 0) {
            // `const proto = Object.getPrototypeOf(fn)`: a function value.
            Some(fold::Alias::Sym(Sym {
                path: "%Fn".into(),
                hidden: false,
                plain: false,
                chain: false,
            }))
        } else {
            None
        }
    }

    /// `{ constructor: { constructor: F } }` taken from any value (a declaration, a
    /// parameter, an assignment, with or without a default): `F` is the Function
    /// constructor. One level is enough when the source is a function.
    pub(super) fn constructor_pattern(
        &mut self,
        pat: &BindingPattern<'_>,
        source_is_fn: bool,
        span: oxc_span::Span,
    ) {
        let pat = match pat {
            BindingPattern::AssignmentPattern(a) => &a.left,
            other => other,
        };
        let BindingPattern::ObjectPattern(p) = pat else {
            return;
        };
        for prop in &p.properties {
            if prop.key.static_name().is_none_or(|k| k != "constructor") {
                continue;
            }
            let inner = match &prop.value {
                BindingPattern::AssignmentPattern(a) => &a.left,
                other => other,
            };
            match inner {
                BindingPattern::BindingIdentifier(id) if source_is_fn => {
                    self.bind_function_ctor(id, span, "destructures `constructor` from a function")
                }
                BindingPattern::ObjectPattern(_) => self.constructor_pattern(inner, true, span),
                _ => {}
            }
        }
    }

    /// `({ constructor: { constructor: F } } = x)`: the assignment form of the pattern.
    pub(super) fn constructor_assign_pattern(
        &mut self,
        t: &AssignmentTarget<'_>,
        depth: u32,
        span: oxc_span::Span,
    ) {
        let AssignmentTarget::ObjectAssignmentTarget(o) = t else {
            return;
        };
        for p in &o.properties {
            let AssignmentTargetProperty::AssignmentTargetPropertyProperty(p) = p else {
                continue;
            };
            if p.name.static_name().is_none_or(|k| k != "constructor") {
                continue;
            }
            let inner = match &p.binding {
                AssignmentTargetMaybeDefault::AssignmentTargetWithDefault(w) => &w.binding,
                other => match other.as_assignment_target() {
                    Some(t) => t,
                    None => continue,
                },
            };
            match inner {
                AssignmentTarget::AssignmentTargetIdentifier(id) if depth >= 1 => {
                    self.add_ev(
                        RuleId::ConstructorChain,
                        span,
                        None,
                        "assigns `constructor.constructor` by destructuring".into(),
                        &[crate::engine::scan::Evidence::ConstructorChain],
                    );
                    if let Some(key) = self.env.ref_key(id) {
                        let sym = Sym {
                            path: "Function".into(),
                            hidden: true,
                            plain: false,
                            chain: true,
                        };
                        self.env.set(key, fold::Alias::Sym(sym));
                    }
                }
                AssignmentTarget::ObjectAssignmentTarget(_) => {
                    self.constructor_assign_pattern(inner, depth + 1, span)
                }
                _ => {}
            }
        }
    }

    fn bind_function_ctor(&mut self, id: &BindingIdentifier<'_>, span: oxc_span::Span, why: &str) {
        self.add_ev(
            RuleId::ConstructorChain,
            span,
            None,
            why.to_string(),
            &[crate::engine::scan::Evidence::ConstructorChain],
        );
        let sym = Sym {
            path: "Function".into(),
            hidden: true,
            plain: false,
            chain: true,
        };
        let key = self.env.binding_key(id);
        self.env.set(key, fold::Alias::Sym(sym));
    }

    pub(super) fn bind_declarator(&mut self, d: &VariableDeclarator<'_>) {
        let Some(init) = &d.init else {
            return;
        };
        match &d.id {
            BindingPattern::BindingIdentifier(id) => {
                let name = id.name.as_str();
                let value = match init.without_parentheses() {
                    Expression::FunctionExpression(f) => f
                        .body
                        .as_ref()
                        .and_then(|b| Env::returned(b))
                        .and_then(|r| self.env.decoder_of(&f.params, r, self.src))
                        .map(fold::Alias::Decoder),
                    Expression::ArrowFunctionExpression(f) => {
                        let ret = match &f.body {
                            ArrowFunctionBody::FunctionBody(b) => Env::returned(b),
                            other => other.as_expression(),
                        };
                        ret.and_then(|r| self.env.decoder_of(&f.params, r, self.src))
                            .map(fold::Alias::Decoder)
                    }
                    _ => self.alias_value(init),
                };
                let key = self.env.binding_key(id);
                let trusted = self.trusted(id);
                if !matches!(
                    init.without_parentheses(),
                    Expression::FunctionExpression(_)
                        | Expression::ArrowFunctionExpression(_)
                        | Expression::ClassExpression(_)
                ) {
                    self.value_bindings.insert(key);
                }
                if let Some(el) = self.element_kind(init) {
                    self.elements.insert(key, el);
                }
                // `let m = module; while (m.parent) m = m.parent`: written again, still a
                // walk that starts at the host's module object.
                if self.resolve(init).is_some_and(|s| s.path == "module") {
                    self.module_objs.insert(key);
                }
                if trusted {
                    if let Some(secret) = self.mentions_secret_expr(init) {
                        self.tainted.insert(key, secret);
                    }
                    if self.is_client(init) {
                        self.clients.insert(key);
                    }
                    if let Some(decoded) = self.code_url(init) {
                        self.code_values.insert(key, decoded);
                    }
                    if self.is_script_element(init) {
                        self.scripts.insert(key);
                    }
                    if super::literal_polluting(init, self.src) {
                        self.polluting.insert(key);
                    }
                    if matches!(
                        init.without_parentheses(),
                        Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_)
                    ) && self.last_writer_unguarded
                    {
                        self.path_writers.insert(key);
                    }
                }
                if trusted {
                    if let Some(v) = value {
                        self.env.bind(key, name, Some(v));
                    }
                }
            }
            BindingPattern::ObjectPattern(p) => {
                for prop in &p.properties {
                    let inner = match &prop.value {
                        BindingPattern::AssignmentPattern(a) => &a.left,
                        other => other,
                    };
                    if let BindingPattern::BindingIdentifier(id) = inner {
                        let key = self.env.binding_key(id);
                        self.value_bindings.insert(key);
                    }
                }
                // const { constructor: F } = function () {}; const { constructor: { constructor: F } } = x
                let is_fn = fold::function_valued(init, &self.env, self.src, 0);
                self.constructor_pattern(&d.id, is_fn, d.span);
                let Some(s) = self.resolve(init) else {
                    return;
                };
                for prop in &p.properties {
                    let (Some(k), BindingPattern::BindingIdentifier(id)) =
                        (prop.key.static_name(), &prop.value)
                    else {
                        continue;
                    };
                    let sym = fold::extend(s.clone(), &k, false);
                    if self.trusted(id) {
                        let key = self.env.binding_key(id);
                        self.env
                            .bind(key, id.name.as_str(), Some(fold::Alias::Sym(sym)));
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether the root of `path` (e.g. `Promise` in `Promise.prototype`) is a name the code
    /// binds itself (its own `Promise` class or polyfill), so writes to it are not to a builtin.
    pub(super) fn shadowed(&self, path: &str) -> bool {
        let root = path.split('.').next().unwrap_or(path);
        self.env
            .binds_name(root)
            .unwrap_or_else(|| self.bindings.contains_key(root))
    }

    /// `name = value`. `var k; k = 'constructor'`: the only assignment to a name declared
    /// without a value is an alias like a declaration; any other makes it unknown.
    pub(super) fn assign_name(
        &mut self,
        id: &IdentifierReference<'_>,
        a: &AssignmentExpression<'_>,
    ) {
        let name = id.name.as_str();
        let Some(key) = self.env.ref_key(id) else {
            // An undeclared global written by the code: nothing of ours to alias.
            return;
        };
        if self.env.scoped() {
            let once = self.env.ref_writes(id) == Some(1);
            if once
                && a.operator == AssignmentOperator::Assign
                && !self.env.aliases.contains_key(&key)
            {
                if let Some(v) = self.alias_value(&a.right) {
                    self.env.set(key, v);
                }
                if let Some(secret) = self.mentions_secret_expr(&a.right) {
                    self.tainted.insert(key, secret);
                }
                if self.is_client(&a.right) {
                    self.clients.insert(key);
                }
            } else {
                self.env.reassigned(key);
            }
            return;
        }
        let first = !self.assigned.contains(name);
        if first {
            self.assigned.insert(name.to_string());
        }
        let known = self.env.aliases.contains_key(&key);
        if first && !known && a.operator == AssignmentOperator::Assign && self.bound_once(name) {
            if let Some(v) = self.alias_value(&a.right) {
                self.env.bind(key, name, Some(v));
            }
        } else {
            self.env.reassigned(key);
        }
    }

    /// `document.createElement('script')`.
    pub(super) fn is_script_element(&self, e: &Expression<'_>) -> bool {
        let Expression::CallExpression(c) = e.without_parentheses() else {
            return false;
        };
        self.resolve(&c.callee)
            .is_some_and(|s| s.path == "document.createElement")
            && c.arguments
                .first()
                .and_then(|a| a.as_expression())
                .and_then(|a| self.fold(a))
                .is_some_and(|f| f.value.eq_ignore_ascii_case("script"))
    }

    /// The request-making page element `e` creates, if any.
    pub(super) fn element_kind(&self, e: &Expression<'_>) -> Option<super::Element> {
        use super::Element;
        match e.without_parentheses() {
            Expression::NewExpression(n) => match n.callee.without_parentheses() {
                Expression::Identifier(id)
                    if id.name == "Image"
                        && matches!(self.env.lookup(id), fold::Lookup::Global) =>
                {
                    Some(Element::Image)
                }
                _ => None,
            },
            Expression::CallExpression(c) => {
                if self
                    .resolve(&c.callee)
                    .is_none_or(|s| s.path != "document.createElement")
                {
                    return None;
                }
                let tag = self.fold(c.arguments.first()?.as_expression()?)?;
                match tag.value.to_ascii_lowercase().as_str() {
                    "img" => Some(Element::Image),
                    "form" => Some(Element::Form),
                    "input" | "textarea" => Some(Element::Field),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Whether `e` makes a network client: `new WebSocket(…)`, `new XMLHttpRequest()`,
    /// `https.request(…)`, `net.connect(…)`…
    pub(super) fn is_client(&self, e: &Expression<'_>) -> bool {
        let e = match e.without_parentheses() {
            Expression::AwaitExpression(a) => &a.argument,
            other => other,
        };
        let callee = match e.without_parentheses() {
            Expression::NewExpression(n) => &n.callee,
            Expression::CallExpression(c) => &c.callee,
            _ => return false,
        };
        self.resolve(callee).is_some_and(|s| {
            matches!(
                s.path.as_str(),
                "WebSocket"
                    | "XMLHttpRequest"
                    | "EventSource"
                    | "module:http.request"
                    | "module:https.request"
                    | "module:http2.connect"
                    | "module:net.connect"
                    | "module:net.createConnection"
                    | "module:net.Socket"
                    | "module:tls.connect"
                    | "module:dgram.createSocket"
            )
        })
    }

    /// Whether a binding's alias can be trusted: never written after its declaration under
    /// scope analysis; bound once in the whole source without it.
    pub(super) fn trusted(&self, id: &BindingIdentifier<'_>) -> bool {
        match self.env.writes(id) {
            Some(n) => n == 0,
            None => self.bound_once(id.name.as_str()),
        }
    }

    /// Whether `name` is bound at most once in the whole source (the rule without scope
    /// analysis: a second binding anywhere could be a different value in scope).
    fn bound_once(&self, name: &str) -> bool {
        self.bindings.get(name).copied().unwrap_or(0) <= 1
    }

    /// `(function (w, r) { … })(window, require)`: the parameters of a function called where
    /// it is written stand for the arguments of that one call.
    pub(super) fn bind_iife_params(&mut self, c: &CallExpression<'_>) {
        let params = match c.callee.without_parentheses() {
            Expression::FunctionExpression(f) => &f.params,
            Expression::ArrowFunctionExpression(f) => &f.params,
            _ => return,
        };
        for (p, a) in params.items.iter().zip(c.arguments.iter()) {
            let (BindingPattern::BindingIdentifier(id), Some(arg)) =
                (&p.pattern, a.as_expression())
            else {
                continue;
            };
            if !self.trusted(id) {
                continue;
            }
            if let Some(v) = self.alias_value(arg) {
                let key = self.env.binding_key(id);
                self.env.set(key, v);
            }
        }
    }

    /// `import x from 'm'`, `import { a } from 'm'`, `import * as ns from 'm'`: the local
    /// names stand for the module or its export (`module:m.a`).
    pub(super) fn bind_import(&mut self, it: &ImportDeclaration<'_>) {
        let module = format!("module:{}", fold::module_name(it.source.value.as_str()));
        let Some(specs) = &it.specifiers else {
            return;
        };
        for s in specs {
            let (local, path) = match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    (&s.local, format!("{module}.{}", s.imported.name()))
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => (&s.local, module.clone()),
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    (&s.local, module.clone())
                }
            };
            let sym = Sym {
                path: path.into(),
                hidden: false,
                plain: false,
                chain: false,
            };
            if self.trusted(local) {
                let key = self.env.binding_key(local);
                self.env
                    .bind(key, local.name.as_str(), Some(fold::Alias::Sym(sym)));
            }
        }
    }

    /// `function d(s) { return atob(s) }`: a declared one-line decoder, so `d('…')` folds.
    pub(super) fn bind_decoder_function(&mut self, f: &Function<'_>) {
        let (Some(id), Some(body)) = (&f.id, &f.body) else {
            return;
        };
        let name = id.name.as_str();
        if f.is_declaration() && self.trusted(id) {
            if let Some(k) =
                Env::returned(body).and_then(|r| self.env.decoder_of(&f.params, r, self.src))
            {
                let key = self.env.binding_key(id);
                self.env.bind(key, name, Some(fold::Alias::Decoder(k)));
            }
        }
    }

    /// Counts a binding of `name` when names stand for bindings (no scope analysis); a
    /// second binding makes any alias of it unknown. Under scope analysis aliases are kept
    /// per symbol, and [`fold::Env::binds_name`] knows the names bound.
    pub(super) fn count_binding(&mut self, name: &'s str) {
        if self.env.scoped() {
            return;
        }
        let n = self.bindings.entry(name).or_insert(0);
        *n += 1;
        if *n > 1 {
            self.env.reassigned(fold::name_key(name));
        }
    }
}
