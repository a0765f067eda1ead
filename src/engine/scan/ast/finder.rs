//! Bounded searches inside one expression: is there a run-time decoder call, a secret
//! (environment, cookies, storage, file reads), or the whole `process.env`?

use super::fold::{self, Env};
use super::AstScan;
use oxc_ast::ast::*;
use oxc_ast_visit::{walk, Visit};
use rustc_hash::FxHashMap;

/// Data that must not leave the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Secret {
    /// Environment variables.
    Env,
    /// Cookies.
    Cookie,
    /// Browser storage (tokens).
    Storage,
    /// File contents.
    File,
    /// Values typed into a page's form fields.
    Form,
    /// The user's account details (`os.userInfo`).
    Account,
}

impl Secret {
    pub(super) fn name(self) -> &'static str {
        match self {
            Secret::Env => "the environment",
            Secret::Cookie => "cookies",
            Secret::Storage => "stored tokens",
            Secret::File => "file contents",
            Secret::Form => "form values",
            Secret::Account => "account details",
        }
    }
}

impl<'s> AstScan<'s> {
    /// A bounded search of an expression for what `want` names.
    fn finder(&self, want: Want) -> Finder<'_, 's> {
        Finder {
            env: &self.env,
            src: self.src,
            tainted: &self.tainted,
            want,
            found: false,
            secret: None,
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

    /// The secret data, if any, that the arguments carry (following tainted bindings).
    pub(super) fn mentions_secret(&self, args: &[Argument]) -> Option<Secret> {
        let mut f = self.finder(Want::Secret);
        for a in args {
            f.visit_argument(a);
        }
        f.secret
    }

    pub(super) fn mentions_secret_expr(&self, e: &Expression) -> Option<Secret> {
        let mut f = self.finder(Want::Secret);
        f.visit_expression(e);
        f.secret
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
    tainted: &'e FxHashMap<fold::Key, Secret>,
    want: Want,
    found: bool,
    secret: Option<Secret>,
    budget: u32,
}

impl Finder<'_, '_> {
    fn secret_of(&self, e: &Expression) -> Option<Secret> {
        match e {
            Expression::Identifier(id) => self
                .env
                .ref_key(id)
                .and_then(|k| self.tainted.get(&k).copied()),
            Expression::NewExpression(n) => self
                .env
                .resolve(&n.callee, self.src)
                .is_some_and(|s| s.path == "FormData")
                .then_some(Secret::Form),
            Expression::StaticMemberExpression(m) if m.property.name == "value" => {
                // document.querySelector('#password').value, form.elements.x.value
                let Expression::CallExpression(c) = m.object.without_parentheses() else {
                    return None;
                };
                self.env
                    .resolve(&c.callee, self.src)
                    .is_some_and(|s| {
                        matches!(
                            s.path.as_str(),
                            "document.querySelector"
                                | "document.getElementById"
                                | "document.getElementsByName"
                        )
                    })
                    .then_some(Secret::Form)
            }
            Expression::StaticMemberExpression(_) | Expression::CallExpression(_) => {
                let callee = match e {
                    Expression::CallExpression(c) => &c.callee,
                    other => other,
                };
                let s = self.env.resolve(callee, self.src)?;
                let p = s.path.as_str();
                if p == "process.env" {
                    Some(Secret::Env)
                } else if p == "document.cookie" {
                    Some(Secret::Cookie)
                } else if p.starts_with("localStorage") || p.starts_with("sessionStorage") {
                    Some(Secret::Storage)
                } else if p.starts_with("module:fs.") && p.contains("read") {
                    Some(Secret::File)
                } else if p == "module:os.userInfo" {
                    Some(Secret::Account)
                } else {
                    None
                }
            }
            _ => None,
        }
    }
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
            Want::Secret => {
                if matches!(
                    e,
                    Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_)
                ) {
                    // A callback is code, not data: what it reads is not what is sent.
                    return;
                }
                self.secret = self.secret_of(e);
                self.secret.is_some()
            }
        };
        if hit {
            self.found = true;
            return;
        }
        walk::walk_expression(self, e);
    }
}
