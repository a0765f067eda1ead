//! Prototype pollution through calls: merge helpers given a payload that writes
//! `__proto__`, path writers of the code's own given a key path through the prototype, and
//! `reduce` walks down a key path (counted for the function they are in).

use super::fold::Folded;
use super::AstScan;
use crate::engine::scan::RuleId;
use oxc_ast::ast::*;

const MERGE_HELPERS: &[&str] = &[
    "merge",
    "mergeWith",
    "defaultsDeep",
    "extend",
    "deepmerge",
    "deepMerge",
    "mergeDeep",
    "assignDeep",
    "deepExtend",
    "set",
    "setWith",
    "setPath",
    "setValue",
];

impl AstScan<'_> {
    /// An unguarded path writer of the code's own (deep set, merge, unflatten, query parser)
    /// called with a key path through `__proto__` or `constructor.prototype`.
    pub(super) fn check_path_writer_call(&mut self, c: &CallExpression<'_>) {
        self.check_reduce_descent(c);
        let Expression::Identifier(id) = c.callee.without_parentheses() else {
            return;
        };
        if !self
            .env
            .ref_key(id)
            .is_some_and(|k| self.path_writers.contains(&k))
        {
            return;
        }
        if c.arguments
            .iter()
            .filter_map(|a| a.as_expression())
            .any(|a| self.polluting_arg(a))
        {
            let detail = format!(
                "`{}` writes key paths unguarded and is given one through the prototype",
                id.name
            );
            let ev = [crate::engine::scan::Evidence::ProtoWrite];
            self.add_ev(RuleId::ProtoPollution, c.span, None, detail, &ev);
        }
    }

    /// `parts.reduce((o, p) => (o[p] = o[p] || {}), obj)`: a walk down a key path, counted
    /// for the function it is in.
    fn check_reduce_descent(&mut self, c: &CallExpression<'_>) {
        // `merge(dst[key], src[key])` inside `merge`: recursion one key down.
        if let Expression::Identifier(id) = c.callee.without_parentheses() {
            let own = self
                .env
                .ref_key(id)
                .is_some_and(|k| self.writer_names.last().copied().flatten() == Some(k));
            let down = c.arguments.iter().any(|a| {
                matches!(
                    a.as_expression().map(|e| e.without_parentheses()),
                    Some(Expression::ComputedMemberExpression(_))
                )
            });
            if own && down {
                if let Some(top) = self.writers.last_mut() {
                    top.0 += 1;
                }
            }
        }
        let Some(m) = c.callee.without_parentheses().as_member_expression() else {
            return;
        };
        if m.static_property_name() != Some("reduce") {
            return;
        }
        let Some(Expression::ArrowFunctionExpression(f)) = c
            .arguments
            .first()
            .and_then(|a| a.as_expression())
            .map(|e| e.without_parentheses())
        else {
            return;
        };
        let Some(BindingPattern::BindingIdentifier(acc)) =
            f.params.items.first().map(|p| &p.pattern)
        else {
            return;
        };
        let body = match &f.body {
            ArrowFunctionBody::FunctionBody(b) => super::fold::Env::returned(b),
            other => other.as_expression(),
        };
        let Some(body) = body else {
            return;
        };
        let name = acc.name.as_str();
        let walks = match body.without_parentheses() {
            Expression::AssignmentExpression(a) => a
                .left
                .as_member_expression()
                .is_some_and(|t| matches!(t, MemberExpression::ComputedMemberExpression(cm)
                    if matches!(cm.object.without_parentheses(), Expression::Identifier(o) if o.name == name))),
            Expression::ComputedMemberExpression(cm) => {
                matches!(cm.object.without_parentheses(), Expression::Identifier(o) if o.name == name)
            }
            Expression::LogicalExpression(l) => matches!(l.left.without_parentheses(),
                Expression::ComputedMemberExpression(cm)
                    if matches!(cm.object.without_parentheses(), Expression::Identifier(o) if o.name == name)),
            _ => false,
        };
        if walks {
            if let Some(top) = self.writers.last_mut() {
                top.0 += 1;
            }
        }
    }

    pub(super) fn check_merge(&mut self, c: &CallExpression<'_>) {
        let name = match c.callee.without_parentheses() {
            Expression::Identifier(id) => Some(id.name.as_str()),
            e => e
                .as_member_expression()
                .and_then(|m| m.static_property_name()),
        };
        if !name.is_some_and(|n| MERGE_HELPERS.contains(&n)) {
            return;
        }
        for a in c.arguments.iter().filter_map(|a| a.as_expression()) {
            if let Some(p) = self.polluting_payload(a) {
                let detail = "merges a payload that writes `__proto__`".to_string();
                self.add(RuleId::ProtoPollution, c.span, Some(&p), detail);
                return;
            }
        }
    }

    /// `JSON.parse('{"__proto__":…}')`, `'__proto__.x'` paths, `{['__proto__']: …}`.
    fn polluting_payload(&self, e: &Expression) -> Option<Folded> {
        let bad = |s: &str| s.contains("__proto__") || s.contains("constructor.prototype");
        match e.without_parentheses() {
            Expression::CallExpression(c) => {
                let s = self.resolve(&c.callee)?;
                if s.path != "JSON.parse" {
                    return None;
                }
                let f = self.fold(c.arguments.first()?.as_expression()?)?;
                bad(&f.value).then_some(f)
            }
            Expression::ObjectExpression(o) => o.properties.iter().find_map(|p| match p {
                ObjectPropertyKind::ObjectProperty(p) if p.computed => {
                    let f = self.fold(p.key.as_expression()?)?;
                    (f.value == "__proto__").then_some(f)
                }
                _ => None,
            }),
            Expression::ArrayExpression(a) => {
                let first = a.elements.first()?.as_expression()?;
                let f = self.fold(first)?;
                (f.value == "__proto__" || f.value == "constructor").then_some(f)
            }
            other => {
                let f = self.fold(other)?;
                bad(&f.value).then_some(f)
            }
        }
    }
}
