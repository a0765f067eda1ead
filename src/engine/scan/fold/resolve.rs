//! Symbolic resolution: what host object an expression names (`globalThis['ev'+'al']` →
//! `eval`, `require('child_process').exec`, aliases through bindings).

use super::*;

impl Env<'_> {
    /// What host object `e` names, if any.
    pub(crate) fn resolve(&self, e: &Expression, src: &str) -> Option<Sym> {
        self.resolve_d(e, src, 0)
    }

    pub(super) fn resolve_d(&self, e: &Expression, src: &str, d: u32) -> Option<Sym> {
        let d = deeper(d)?;
        let e = e.without_parentheses();
        match e {
            Expression::Identifier(id) => {
                let name = id.name.as_str();
                match self.lookup(id) {
                    // A name bound to a host object is not concealment by itself
                    // (`const { execFile } = require('child_process')` is how everyone
                    // writes it); a name bound to the global object is (`g.eval`).
                    Lookup::Alias(Alias::Sym(s)) => Some(Sym {
                        hidden: s.hidden || is_global_object(&s.path),
                        plain: false,
                        ..s.clone()
                    }),
                    Lookup::Alias(_) | Lookup::Local => None,
                    Lookup::Global if is_root(name) || is_global_object(name) => Some(Sym {
                        path: name.into(),
                        // `\u0065val`: an escaped identifier is a hidden spelling
                        hidden: raw(src, id.span).contains('\\'),
                        plain: true,
                        chain: false,
                    }),
                    Lookup::Global => None,
                }
            }
            Expression::SequenceExpression(s) => {
                let last = s.expressions.last()?;
                self.resolve_d(last, src, d)
                    .map(|s| Sym { plain: false, ..s })
            }
            // `typeof window !== 'undefined' ? window : self`: the global object whichever
            // branch runs (the other may be `this` or `{}` at the top level).
            Expression::ConditionalExpression(c) => {
                let a = self.resolve_d(&c.consequent, src, d);
                let b = self.resolve_d(&c.alternate, src, d);
                let stand_in = |e: &Expression| {
                    matches!(e.without_parentheses(), Expression::ObjectExpression(_))
                        || this_idiom(e)
                };
                let pick = match (a, b) {
                    (Some(x), Some(y)) if x.path == y.path => x,
                    (Some(x), Some(y))
                        if is_global_object(&x.path) && is_global_object(&y.path) =>
                    {
                        x
                    }
                    (Some(x), None) if is_global_object(&x.path) && stand_in(&c.alternate) => x,
                    (None, Some(y)) if is_global_object(&y.path) && stand_in(&c.consequent) => y,
                    // `typeof require === 'function' ? require : null`: the host object
                    // when it exists, nothing otherwise.
                    // Not concealment by itself (bundles write it to find `require`).
                    (Some(x), None) if null_like(&c.alternate) => return Some(x),
                    (None, Some(y)) if null_like(&c.consequent) => return Some(y),
                    _ => return None,
                };
                Some(Sym {
                    hidden: true,
                    plain: false,
                    ..pick
                })
            }
            // `w.execScript || w.eval`, `(a.eval || b.eval)`, `x.process ?? process`
            Expression::LogicalExpression(l)
                if matches!(l.operator, LogicalOperator::Or | LogicalOperator::Coalesce) =>
            {
                let a = self.resolve_d(&l.left, src, d);
                let b = self.resolve_d(&l.right, src, d);
                let code = |p: &str| matches!(p, "eval" | "execScript");
                match (a, b) {
                    // (function () { return this })() || globalThis
                    (None, Some(y)) if is_global_object(&y.path) && this_idiom(&l.left) => {
                        Some(Sym {
                            hidden: true,
                            plain: false,
                            ..y
                        })
                    }
                    (Some(x), None) if is_global_object(&x.path) && this_idiom(&l.right) => {
                        Some(Sym {
                            hidden: true,
                            plain: false,
                            ..x
                        })
                    }
                    (Some(x), Some(y)) if x.path == y.path || (code(&x.path) && code(&y.path)) => {
                        Some(Sym {
                            path: if code(&x.path) { "eval".into() } else { x.path },
                            hidden: x.hidden || y.hidden,
                            plain: false,
                            chain: x.chain,
                        })
                    }
                    _ => None,
                }
            }
            Expression::CallExpression(c) => {
                // require('x') / process.mainModule.require('x') → module:x
                let callee = self.resolve_d(&c.callee, src, d)?;
                if is_require_path(&callee.path) {
                    let name = self.fold_d(c.arguments.first()?.as_expression()?, src, d)?;
                    return Some(Sym {
                        path: compact_str::format_compact!("module:{}", module_name(&name.value)),
                        hidden: callee.hidden || name.hidden,
                        plain: false,
                        chain: false,
                    });
                }
                // `f.call(this, …)` / `f.apply(this, [ … ])` are calls of `f`.
                let (path, args) = call_args(&callee.path, &c.arguments);
                // Descriptors of the Function constructor: `.value` is the constructor.
                match path {
                    "Object.getOwnPropertyDescriptor" | "Reflect.getOwnPropertyDescriptor" => {
                        let (o, k) = (args.first()?, args.get(1)?);
                        if self.fold_d(k, src, d)?.value == "constructor"
                            && function_valued(o, self, src, d)
                        {
                            return Some(Sym {
                                path: "%FnDesc".into(),
                                hidden: true,
                                plain: false,
                                chain: true,
                            });
                        }
                        return None;
                    }
                    "Object.getOwnPropertyDescriptors" => {
                        return function_valued(args.first()?, self, src, d).then(|| Sym {
                            path: "%FnDescs".into(),
                            hidden: true,
                            plain: false,
                            chain: true,
                        });
                    }
                    _ => {}
                }
                // Object.getPrototypeOf({}) is Object.prototype, of [] Array.prototype…
                if matches!(path, "Object.getPrototypeOf" | "Reflect.getPrototypeOf") {
                    let base = match args.first()?.without_parentheses() {
                        Expression::ObjectExpression(_) => "Object",
                        Expression::ArrayExpression(_) => "Array",
                        Expression::StringLiteral(_) | Expression::TemplateLiteral(_) => "String",
                        Expression::NumericLiteral(_) => "Number",
                        _ => return None,
                    };
                    return Some(Sym {
                        path: compact_str::format_compact!("{base}.prototype"),
                        hidden: true,
                        plain: false,
                        chain: false,
                    });
                }
                // `f.bind(this)` is `f`.
                if let Some(p) = callee.path.strip_suffix(".bind") {
                    return Some(Sym {
                        path: p.into(),
                        plain: false,
                        ..callee
                    });
                }
                // Member-like calls (Reflect.get) fall through to member_view below.
                if callee.path != "Reflect.get" {
                    return None;
                }
                self.resolve_member(e, src, d)
            }
            _ => self.resolve_member(e, src, d),
        }
    }

    pub(super) fn resolve_member(&self, e: &Expression, src: &str, d: u32) -> Option<Sym> {
        // Fast path: a plain key on an object that names nothing (most member expressions).
        if let Some(m) = e.as_member_expression() {
            if let Some(k) = cheap_key(m, src) {
                if k != "constructor" && k != "value" {
                    let o = self.resolve_d(m.object(), src, d)?;
                    return Some(extend(o, k, false));
                }
            }
        }
        let (obj, key) = self.member_view(e, src, d)?;
        if key.value == "constructor" && function_valued(obj, self, src, d) {
            return Some(Sym {
                path: "Function".into(),
                hidden: key.hidden,
                plain: false,
                chain: true,
            });
        }
        let o = self.resolve_d(obj, src, d)?;
        Some(extend(o, &key.value, key.hidden))
    }
}
