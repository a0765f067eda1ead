//! Folding to strings: what string an expression spells (concatenation, escapes,
//! `fromCharCode`, `atob`, `Buffer.from(…)`, `join`, reversal, decoders), and the keys of
//! member expressions.

use super::*;

impl Env<'_> {
    /// Folds `e` to a constant string, if it is one.
    pub(crate) fn fold(&self, e: &Expression, src: &str) -> Option<Folded> {
        self.fold_d(e, src, 0)
    }

    pub(super) fn fold_d(&self, e: &Expression, src: &str, d: u32) -> Option<Folded> {
        let d = deeper(d)?;
        match e {
            Expression::StringLiteral(s) => Some(Folded {
                value: s.value.as_str().into(),
                hidden: raw(src, s.span).contains('\\'),
                decoded: false,
            }),
            Expression::NumericLiteral(n) => {
                let v = n.value;
                (v.fract() == 0.0 && v.abs() < 1e15).then(|| Folded {
                    value: compact_str::format_compact!("{}", v as i64),
                    hidden: false,
                    decoded: false,
                })
            }
            Expression::TemplateLiteral(t) => {
                let mut out = String::new();
                let mut hidden = !t.expressions.is_empty();
                let mut decoded = false;
                for (i, q) in t.quasis.iter().enumerate() {
                    let cooked = q.value.cooked.as_ref()?;
                    if q.value.raw.as_str().contains('\\') {
                        hidden = true;
                    }
                    out.push_str(cooked.as_str());
                    if let Some(x) = t.expressions.get(i) {
                        let f = self.fold_d(x, src, d)?;
                        decoded |= f.decoded;
                        out.push_str(&f.value);
                    }
                    if out.len() > MAX_FOLD {
                        return None;
                    }
                }
                Some(Folded {
                    value: out.into(),
                    hidden,
                    decoded,
                })
            }
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                let l = self.fold_d(&b.left, src, d)?;
                let r = self.fold_d(&b.right, src, d)?;
                if l.value.len() + r.value.len() > MAX_FOLD {
                    return None;
                }
                Some(Folded {
                    value: l.value + &r.value,
                    hidden: true,
                    decoded: l.decoded || r.decoded,
                })
            }
            Expression::ParenthesizedExpression(p) => self.fold_d(&p.expression, src, d),
            Expression::SequenceExpression(s) => self.fold_d(s.expressions.last()?, src, d),
            Expression::Identifier(id) => match self.alias(id)? {
                Alias::Str(f) => Some(Folded {
                    hidden: true,
                    ..f.clone()
                }),
                _ => None,
            },
            Expression::CallExpression(c) => self.fold_call(c, src, d),
            // T[3] with T a constant table
            Expression::ComputedMemberExpression(m) => {
                let i: usize = self.fold_d(&m.expression, src, d)?.value.parse().ok()?;
                let table = self.fold_array(&m.object, src, d)?;
                let v = table.get(i)?.clone();
                Some(Folded {
                    value: v.into(),
                    hidden: true,
                    decoded: false,
                })
            }
            _ => None,
        }
    }

    /// Folds a call (`atob('…')`, a decoder of the code's own applied to a constant).
    pub(crate) fn fold_call_expr(&self, c: &CallExpression, src: &str) -> Option<Folded> {
        self.fold_call(c, src, 0)
    }

    pub(super) fn fold_call(&self, c: &CallExpression, src: &str, d: u32) -> Option<Folded> {
        let args = &c.arguments;
        let arg = |i: usize| args.get(i).and_then(|a| a.as_expression());
        let hidden = |value: String, decoded: bool| {
            (value.len() <= MAX_FOLD).then_some(Folded {
                value: value.into(),
                hidden: true,
                decoded,
            })
        };
        let callee = c.callee.without_parentheses();
        if let Expression::Identifier(id) = callee {
            if let Some(Alias::Decoder(k)) = self.alias(id) {
                let v = self.fold_d(arg(0)?, src, d)?;
                return hidden(k.apply(&v.value)?, true);
            }
            // A helper of the code's own, run by the constant evaluator on constant arguments.
            // (its arguments are folded only when it is one the evaluator can run)
            let helper = self
                .eval
                .zip(self.ref_key(id))
                .filter(|(ev, k)| ev.runs(*k));
            if let Some((ev, key)) = helper {
                let args: Vec<crate::engine::scan::eval::Arg> = args
                    .iter()
                    .map(
                        |a| match a.as_expression().map(|e| e.without_parentheses()) {
                            Some(Expression::NumericLiteral(n)) => {
                                crate::engine::scan::eval::Arg::Num(n.value)
                            }
                            Some(e @ Expression::Identifier(i)) => match self.fold_d(e, src, d) {
                                Some(f) => {
                                    crate::engine::scan::eval::Arg::Str(f.value.into_string())
                                }
                                None => self.ref_key(i).map_or(
                                    crate::engine::scan::eval::Arg::Unknown,
                                    crate::engine::scan::eval::Arg::Ref,
                                ),
                            },
                            Some(e) => self
                                .fold_d(e, src, d)
                                .map_or(crate::engine::scan::eval::Arg::Unknown, |f| {
                                    crate::engine::scan::eval::Arg::Str(f.value.into_string())
                                }),
                            None => crate::engine::scan::eval::Arg::Unknown,
                        },
                    )
                    .collect();
                if let Some(v) = ev.call_str(key, &args) {
                    return hidden(v, true);
                }
            }
        }
        // atob(x), window.atob(x)
        const DECODERS: &[&str] = &[
            "atob",
            "fromCharCode",
            "fromCodePoint",
            "unescape",
            "decodeURIComponent",
            "decodeURI",
            "apply",
        ];
        let may_decode = may_name(callee, src, DECODERS);
        if let Some(s) = may_decode.then(|| self.resolve_d(callee, src, d)).flatten() {
            match s.path.as_str() {
                "atob" => {
                    let v = self.fold_d(arg(0)?, src, d)?;
                    return hidden(decode_base64(&v.value)?, true);
                }
                "String.fromCharCode" | "String.fromCodePoint" => {
                    let mut out = String::new();
                    for a in args.iter() {
                        let n = self.fold_d(a.as_expression()?, src, d)?;
                        let n: u32 = n.value.parse().ok()?;
                        out.push(char::from_u32(n)?);
                        if out.len() > MAX_FOLD {
                            return None;
                        }
                    }
                    return hidden(out, true);
                }
                "unescape" | "decodeURIComponent" | "decodeURI" => {
                    let v = self.fold_d(arg(0)?, src, d)?;
                    return hidden(percent_decode(&v.value)?, true);
                }
                // String.fromCharCode.apply(String, codes)
                "String.fromCharCode.apply" | "String.fromCodePoint.apply" => {
                    let mut out = String::new();
                    for n in self.fold_array(arg(1)?, src, d)? {
                        let n: u32 = n.parse().ok()?;
                        out.push(char::from_u32(n)?);
                        if out.len() > MAX_FOLD {
                            return None;
                        }
                    }
                    return hidden(out, true);
                }
                _ => {}
            }
        }
        let Some(m) = callee.as_member_expression() else {
            if let Expression::Identifier(id) = callee {
                if matches!(id.name.as_str(), "unescape" | "decodeURIComponent") {
                    let v = self.fold_d(arg(0)?, src, d)?;
                    return hidden(percent_decode(&v.value)?, true);
                }
            }
            return None;
        };
        let method = m.static_property_name()?;
        let obj = m.object().without_parentheses();
        match method {
            "join" => {
                let parts = self.fold_array(obj, src, d)?;
                let sep = match arg(0) {
                    Some(a) => self.fold_d(a, src, d)?.value,
                    None => ",".into(),
                };
                let out = parts.join(&sep);
                hidden(out, false)
            }
            "toString" => {
                // Buffer.from(x, 'base64' | 'hex').toString()
                let Expression::CallExpression(inner) = obj else {
                    let v = self.fold_d(obj, src, d)?;
                    return hidden(v.value.into_string(), v.decoded);
                };
                let s = self.resolve_d(&inner.callee, src, d)?;
                if s.path != "Buffer.from" {
                    return None;
                }
                let data = self.fold_d(inner.arguments.first()?.as_expression()?, src, d)?;
                let enc = match inner.arguments.get(1) {
                    Some(a) => self.fold_d(a.as_expression()?, src, d)?.value,
                    None => "utf8".into(),
                };
                let out = match enc.as_str() {
                    "base64" | "base64url" => decode_base64(&data.value)?,
                    "hex" => decode_hex(&data.value)?,
                    "utf8" | "utf-8" | "latin1" | "ascii" => data.value.into_string(),
                    _ => return None,
                };
                hidden(out, true)
            }
            "toLowerCase" | "toUpperCase" | "trim" => {
                let v = self.fold_d(obj, src, d)?;
                let out = match method {
                    "toLowerCase" => v.value.as_str().to_lowercase(),
                    "toUpperCase" => v.value.as_str().to_uppercase(),
                    _ => v.value.trim().to_string(),
                };
                hidden(out, v.decoded)
            }
            "concat" => {
                let mut v = self.fold_d(obj, src, d)?;
                for a in args.iter() {
                    v.value
                        .push_str(&self.fold_d(a.as_expression()?, src, d)?.value);
                    if v.value.len() > MAX_FOLD {
                        return None;
                    }
                }
                hidden(v.value.into_string(), v.decoded)
            }
            "slice" | "substring" | "substr" => {
                let v = self.fold_d(obj, src, d)?;
                let chars: Vec<char> = v.value.chars().collect();
                let len = chars.len() as i64;
                let num = |i: usize| -> Option<Option<i64>> {
                    match arg(i) {
                        None => Some(None),
                        Some(a) => Some(Some(self.fold_d(a, src, d)?.value.parse().ok()?)),
                    }
                };
                let a = num(0)?.unwrap_or(0);
                let b = num(1)?;
                let clamp = |x: i64| x.clamp(0, len) as usize;
                let (s, e) = match method {
                    "slice" => {
                        let n = |x: i64| if x < 0 { clamp(len + x) } else { clamp(x) };
                        (n(a), n(b.unwrap_or(len)))
                    }
                    "substring" => {
                        let (x, y) = (clamp(a), clamp(b.unwrap_or(len)));
                        (x.min(y), x.max(y))
                    }
                    _ => {
                        let s = if a < 0 { clamp(len + a) } else { clamp(a) };
                        (s, clamp(s as i64 + b.unwrap_or(len)))
                    }
                };
                let out: String = chars.get(s..e.max(s))?.iter().collect();
                hidden(out, v.decoded)
            }
            _ => None,
        }
    }

    /// Folds an array of constant strings: literals, aliases, `s.split(sep)`, `.reverse()`.
    pub(super) fn fold_array(&self, e: &Expression, src: &str, d: u32) -> Option<Vec<String>> {
        let d = deeper(d)?;
        match e.without_parentheses() {
            Expression::ArrayExpression(a) => {
                let mut out = Vec::with_capacity(a.elements.len());
                let mut total = 0;
                for el in &a.elements {
                    let v = self.fold_d(el.as_expression()?, src, d)?.value;
                    total += v.len();
                    if total > MAX_FOLD {
                        return None;
                    }
                    out.push(v.into_string());
                }
                Some(out)
            }
            Expression::Identifier(id) => match self.alias(id)? {
                Alias::Arr(v) => Some(v.clone()),
                _ => None,
            },
            Expression::CallExpression(c) => {
                let m = c.callee.as_member_expression()?;
                let obj = m.object();
                match m.static_property_name()? {
                    "split" => {
                        let s = self.fold_d(obj, src, d)?.value;
                        let sep = self
                            .fold_d(c.arguments.first()?.as_expression()?, src, d)?
                            .value;
                        Some(if sep.is_empty() {
                            s.chars().map(String::from).collect()
                        } else {
                            s.split(sep.as_str()).map(String::from).collect()
                        })
                    }
                    "reverse" => {
                        let mut v = self.fold_array(obj, src, d)?;
                        v.reverse();
                        Some(v)
                    }
                    "slice" | "concat" if c.arguments.is_empty() => self.fold_array(obj, src, d),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Recognises a one-parameter function whose only statement returns a decoding of the
    /// parameter: `atob(p)`, `Buffer.from(p, 'hex'|'base64').toString()`,
    /// `p.split('').reverse().join('')`.
    pub(crate) fn decoder_of(
        &self,
        params: &FormalParameters,
        ret: &Expression,
        src: &str,
    ) -> Option<Decoder> {
        let [param] = params.items.as_slice() else {
            return None;
        };
        let BindingPattern::BindingIdentifier(p) = &param.pattern else {
            return None;
        };
        let is_p = |e: &Expression| matches!(e.without_parentheses(), Expression::Identifier(i) if i.name == p.name);
        let Expression::CallExpression(c) = ret.without_parentheses() else {
            return None;
        };
        let arg0 = c.arguments.first().and_then(|a| a.as_expression());
        if self
            .resolve(&c.callee, src)
            .is_some_and(|s| s.path == "atob")
            && arg0.is_some_and(is_p)
        {
            return Some(Decoder::Base64);
        }
        let m = c.callee.as_member_expression()?;
        match m.static_property_name()? {
            "toString" => {
                let Expression::CallExpression(inner) = m.object().without_parentheses() else {
                    return None;
                };
                if self.resolve(&inner.callee, src)?.path != "Buffer.from" {
                    return None;
                }
                if !inner.arguments.first()?.as_expression().is_some_and(is_p) {
                    return None;
                }
                match self
                    .fold(inner.arguments.get(1)?.as_expression()?, src)?
                    .value
                    .as_str()
                {
                    "hex" => Some(Decoder::Hex),
                    "base64" | "base64url" => Some(Decoder::Base64),
                    _ => None,
                }
            }
            "join" => {
                // p.split('').reverse().join('')
                let Expression::CallExpression(rev) = m.object().without_parentheses() else {
                    return None;
                };
                let rm = rev.callee.as_member_expression()?;
                let Expression::CallExpression(split) = rm.object().without_parentheses() else {
                    return None;
                };
                let sm = split.callee.as_member_expression()?;
                (rm.static_property_name()? == "reverse"
                    && sm.static_property_name()? == "split"
                    && is_p(sm.object()))
                .then_some(Decoder::Reverse)
            }
            _ => None,
        }
    }

    /// The expression a one-statement function body returns.
    pub(crate) fn returned<'b, 'a>(body: &'b FunctionBody<'a>) -> Option<&'b Expression<'a>> {
        match body.statements.as_slice() {
            [Statement::ReturnStatement(r)] => r.argument.as_ref(),
            [Statement::ExpressionStatement(e)] => Some(&e.expression),
            _ => None,
        }
    }

    /// Public entry for array folding (used to record array aliases).
    pub(crate) fn fold_array_expr(&self, e: &Expression, src: &str) -> Option<Vec<String>> {
        self.fold_array(e, src, 0)
    }

    /// The property key of a member-like expression, folded.
    pub(crate) fn member_key(&self, m: &MemberExpression, src: &str, d: u32) -> Option<Folded> {
        match m {
            MemberExpression::StaticMemberExpression(s) => Some(Folded {
                value: s.property.name.as_str().into(),
                hidden: raw(src, s.property.span).contains('\\'),
                decoded: false,
            }),
            MemberExpression::ComputedMemberExpression(c) => self.fold_d(&c.expression, src, d),
            MemberExpression::PrivateFieldExpression(_) => None,
        }
    }

    /// A member-like view of `e`: `o.k`, `o[k]`, `Reflect.get(o, k)` and
    /// `Object.getOwnPropertyDescriptor(o, k).value` all give `(o, k)`.
    pub(crate) fn member_view<'b, 'a>(
        &self,
        e: &'b Expression<'a>,
        src: &str,
        d: u32,
    ) -> Option<(&'b Expression<'a>, Folded)> {
        let e = e.without_parentheses();
        let member = match e {
            Expression::ChainExpression(ch) => ch.expression.as_member_expression(),
            other => other.as_member_expression(),
        };
        if let Some(m) = member {
            let key = self.member_key(m, src, d)?;
            // Object.getOwnPropertyDescriptor(o, k).value
            if key.value == "value" {
                if let Expression::CallExpression(c) = m.object().without_parentheses() {
                    if self.resolve_d(&c.callee, src, d).is_some_and(|s| {
                        matches!(
                            s.path.as_str(),
                            "Object.getOwnPropertyDescriptor" | "Reflect.getOwnPropertyDescriptor"
                        )
                    }) {
                        let o = c.arguments.first()?.as_expression()?;
                        let k = self.fold_d(c.arguments.get(1)?.as_expression()?, src, d)?;
                        return Some((o, Folded { hidden: true, ..k }));
                    }
                }
            }
            return Some((m.object(), key));
        }
        if let Expression::CallExpression(c) = e {
            // `up(x)` where `const up = (p) => p[K]`: a member of the argument.
            if let Some(keys) = self.getter_keys(c) {
                if let [k] = keys.as_slice() {
                    let o = c.arguments.first()?.as_expression()?;
                    let key = Folded {
                        value: k.as_str().into(),
                        hidden: true,
                        decoded: false,
                    };
                    return Some((o, key));
                }
            }
            if may_name(&c.callee, src, &["get"])
                && self
                    .resolve_d(&c.callee, src, d)
                    .is_some_and(|s| s.path == "Reflect.get")
            {
                let o = c.arguments.first()?.as_expression()?;
                let k = self.fold_d(c.arguments.get(1)?.as_expression()?, src, d)?;
                return Some((o, Folded { hidden: true, ..k }));
            }
        }
        None
    }
}
