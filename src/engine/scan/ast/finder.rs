//! Bounded searches inside one expression: is there a run-time decoder call, a secret
//! (environment, cookies, storage, file reads), or the whole `process.env`?

use super::fold::{self, Env};
use super::AstScan;
use oxc_ast::ast::*;
use oxc_ast_visit::{walk, Visit};
use rustc_hash::FxHashSet;

impl<'s> AstScan<'s> {
    /// A bounded search of an expression for what `want` names.
    fn finder(&self, want: Want) -> Finder<'_, 's> {
        Finder {
            env: &self.env,
            src: self.src,
            tainted: &self.tainted,
            want,
            found: false,
            budget: 2000,
        }
    }

    /// Whether `e` contains a run-time decoder call (atob, Buffer.from, fromCharCode…).
    pub(super) fn has_decoder(&self, e: &Expression) -> bool {
        let mut f = self.finder(Want::Decoder);
        f.visit_expression(e);
        f.found
    }

    /// Whether `process.env` (the whole object) appears anywhere in the arguments.
    pub(super) fn mentions_env(&self, args: &[Argument]) -> bool {
        let mut f = self.finder(Want::Env);
        for a in args {
            f.visit_argument(a);
        }
        f.found
    }

    pub(super) fn mentions_secret(&self, args: &[Argument]) -> bool {
        let mut f = self.finder(Want::Secret);
        for a in args {
            f.visit_argument(a);
        }
        f.found
    }

    pub(super) fn mentions_secret_expr(&self, e: &Expression) -> bool {
        let mut f = self.finder(Want::Secret);
        f.visit_expression(e);
        f.found
    }
}

/// What a [`Finder`] looks for inside an expression.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Decoder,
    Secret,
    Env,
}

/// A bounded search inside one expression.
struct Finder<'e, 's> {
    env: &'e Env<'s>,
    src: &'s str,
    tainted: &'e FxHashSet<fold::Key>,
    want: Want,
    found: bool,
    budget: u32,
}

impl<'a> Visit<'a> for Finder<'_, '_> {
    fn visit_expression(&mut self, e: &Expression<'a>) {
        if self.found || self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let hit = match self.want {
            Want::Decoder => match e {
                Expression::CallExpression(c)
                    if matches!(c.callee.without_parentheses(), Expression::Identifier(i)
                        if matches!(self.env.alias(i), Some(fold::Alias::Decoder(_)))) =>
                {
                    true
                }
                Expression::CallExpression(c) => {
                    self.env.resolve(&c.callee, self.src).is_some_and(|s| {
                        matches!(
                            s.path.as_str(),
                            "atob"
                                | "Buffer.from"
                                | "String.fromCharCode"
                                | "String.fromCodePoint"
                                | "unescape"
                                | "decodeURIComponent"
                        )
                    })
                }
                _ => false,
            },
            Want::Env => {
                matches!(e, Expression::StaticMemberExpression(_))
                    && self
                        .env
                        .resolve(e, self.src)
                        .is_some_and(|s| s.path == "process.env")
            }
            Want::Secret => match e {
                Expression::Identifier(id) => self
                    .env
                    .ref_key(id)
                    .is_some_and(|k| self.tainted.contains(&k)),
                Expression::StaticMemberExpression(_) | Expression::CallExpression(_) => {
                    let callee = match e {
                        Expression::CallExpression(c) => &c.callee,
                        other => other,
                    };
                    self.env.resolve(callee, self.src).is_some_and(|s| {
                        let p = s.path.as_str();
                        p == "process.env"
                            || p == "document.cookie"
                            || p.starts_with("localStorage")
                            || p.starts_with("sessionStorage")
                            || (p.starts_with("module:fs.") && p.contains("read"))
                            || p == "module:os.userInfo"
                    })
                }
                _ => false,
            },
        };
        if hit {
            self.found = true;
            return;
        }
        walk::walk_expression(self, e);
    }
}
