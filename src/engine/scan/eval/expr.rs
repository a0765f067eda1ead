//! Expressions: literals, names, members, calls, conditionals, assignments, and the binary
//! operators on known values.

use super::*;

impl<'a> Evaluator<'a> {
    pub(super) fn eval(&self, e: &'a Expression<'a>) -> V {
        self.nested(|| self.eval_in(e)).unwrap_or(V::Unknown)
    }

    fn eval_in(&self, e: &'a Expression<'a>) -> V {
        match e {
            Expression::StringLiteral(s) => V::str(s.value.as_str()),
            Expression::NumericLiteral(n) => V::Num(n.value),
            Expression::BooleanLiteral(b) => V::Bool(b.value),
            Expression::NullLiteral(_) => V::Null,
            Expression::ParenthesizedExpression(p) => self.eval(&p.expression),
            Expression::Identifier(id) => self.lookup(id),
            Expression::TemplateLiteral(t) => {
                let mut out = String::new();
                for (i, q) in t.quasis.iter().enumerate() {
                    let Some(c) = q.value.cooked.as_ref() else {
                        return V::Unknown;
                    };
                    out.push_str(c.as_str());
                    if let Some(x) = t.expressions.get(i) {
                        match self.eval(x).to_str() {
                            Some(s) => out.push_str(&s),
                            None => return V::Unknown,
                        }
                    }
                }
                self.made(out)
            }
            Expression::ArrayExpression(a) => {
                if a.elements.len() > MAX_ARRAY {
                    return V::Unknown;
                }
                let mut out = Vec::with_capacity(a.elements.len());
                for el in &a.elements {
                    match el {
                        ArrayExpressionElement::SpreadElement(sp) => {
                            match self.eval(&sp.argument) {
                                V::Arr(x) => out.extend(x.borrow().iter().cloned()),
                                V::Str(t) => out.extend(t.chars().map(|c| V::str(&c.to_string()))),
                                _ => return V::Unknown,
                            }
                        }
                        other => match other.as_expression() {
                            Some(x) => out.push(self.hold(self.eval(x))),
                            None => return V::Unknown,
                        },
                    }
                    if out.len() > MAX_ARRAY {
                        return V::Unknown;
                    }
                }
                V::Arr(Rc::new(RefCell::new(out)))
            }
            Expression::ObjectExpression(o) => {
                let mut map = FxHashMap::default();
                for p in &o.properties {
                    let ObjectPropertyKind::ObjectProperty(p) = p else {
                        return V::Unknown;
                    };
                    let Some(k) = p.key.static_name() else {
                        return V::Unknown;
                    };
                    let v = self.hold(self.eval(&p.value));
                    map.insert(k.to_string(), v);
                }
                V::Obj(Rc::new(RefCell::new(map)))
            }
            Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_) => {
                match fn_ref(e) {
                    Some(f) => V::Fn(self.push_fn(f)),
                    None => V::Unknown,
                }
            }
            Expression::SequenceExpression(s) => {
                let mut last = V::Undef;
                for x in &s.expressions {
                    last = self.eval(x);
                }
                last
            }
            Expression::ConditionalExpression(c) => match self.eval(&c.test).truthy() {
                Some(true) => self.eval(&c.consequent),
                Some(false) => self.eval(&c.alternate),
                None => V::Unknown,
            },
            Expression::LogicalExpression(l) => {
                let left = self.eval(&l.left);
                match (l.operator, left.truthy()) {
                    (LogicalOperator::Or, Some(true)) | (LogicalOperator::And, Some(false)) => left,
                    (LogicalOperator::Or, Some(false)) | (LogicalOperator::And, Some(true)) => {
                        self.eval(&l.right)
                    }
                    (LogicalOperator::Coalesce, _) if matches!(left, V::Undef | V::Null) => {
                        self.eval(&l.right)
                    }
                    (LogicalOperator::Coalesce, _) if left.known() => left,
                    _ => V::Unknown,
                }
            }
            Expression::UnaryExpression(u) => {
                if u.operator == UnaryOperator::Typeof {
                    if let Expression::Identifier(id) = u.argument.without_parentheses() {
                        if fold::ref_key_of(self.scoping, id).is_none() {
                            // a global: known for the decoders the code may pick between
                            return match id.name.as_str() {
                                "atob" | "btoa" | "String" | "Number" | "parseInt" => {
                                    V::str("function")
                                }
                                "undefined" => V::str("undefined"),
                                _ => V::Unknown,
                            };
                        }
                    }
                    return self.eval(&u.argument).type_of().map_or(V::Unknown, V::str);
                }
                let v = self.eval(&u.argument);
                match u.operator {
                    UnaryOperator::LogicalNot => v.truthy().map_or(V::Unknown, |b| V::Bool(!b)),
                    UnaryOperator::UnaryNegation => v.to_num().map_or(V::Unknown, |n| V::Num(-n)),
                    UnaryOperator::UnaryPlus => v.to_num().map_or(V::Unknown, V::Num),
                    UnaryOperator::BitwiseNot => v
                        .to_num()
                        .map_or(V::Unknown, |n| V::Num(f64::from(!to_i32(n)))),
                    UnaryOperator::Void => V::Undef,
                    _ => V::Unknown,
                }
            }
            Expression::BinaryExpression(b) => {
                let l = self.eval(&b.left);
                let r = self.eval(&b.right);
                self.binary(b.operator, &l, &r)
            }
            Expression::AssignmentExpression(a) => {
                let rhs = self.eval(&a.right);
                match &a.left {
                    AssignmentTarget::AssignmentTargetIdentifier(id) => {
                        let v = match a.operator {
                            AssignmentOperator::Assign => rhs,
                            op => {
                                let cur = self.lookup(id);
                                match op.to_binary_operator() {
                                    Some(bop) => self.binary(bop, &cur, &rhs),
                                    None => V::Unknown,
                                }
                            }
                        };
                        self.assign(id, v.clone());
                        v
                    }
                    AssignmentTarget::ComputedMemberExpression(m)
                        if a.operator == AssignmentOperator::Assign =>
                    {
                        let obj = self.eval(&m.object);
                        let key = self.eval(&m.expression);
                        self.set(&obj, &key, rhs.clone());
                        rhs
                    }
                    AssignmentTarget::StaticMemberExpression(m)
                        if a.operator == AssignmentOperator::Assign =>
                    {
                        let obj = self.eval(&m.object);
                        self.set(&obj, &V::str(m.property.name.as_str()), rhs.clone());
                        rhs
                    }
                    _ => V::Unknown,
                }
            }
            Expression::UpdateExpression(u) => {
                let SimpleAssignmentTarget::AssignmentTargetIdentifier(id) = &u.argument else {
                    return V::Unknown;
                };
                let Some(n) = self.lookup(id).to_num() else {
                    self.assign(id, V::Unknown);
                    return V::Unknown;
                };
                let new = if u.operator == UpdateOperator::Increment {
                    n + 1.0
                } else {
                    n - 1.0
                };
                self.assign(id, V::Num(new));
                V::Num(if u.prefix { new } else { n })
            }
            Expression::StaticMemberExpression(m) => {
                let obj = self.eval(&m.object);
                self.get(&obj, &V::str(m.property.name.as_str()))
            }
            Expression::ComputedMemberExpression(m) => {
                let obj = self.eval(&m.object);
                let key = self.eval(&m.expression);
                self.get(&obj, &key)
            }
            Expression::CallExpression(c) => {
                let mut args = Vec::with_capacity(c.arguments.len());
                for a in &c.arguments {
                    match a.as_expression() {
                        Some(x) => args.push(self.eval(x)),
                        None => return V::Unknown,
                    }
                }
                let callee = c.callee.without_parentheses();
                if let Some(m) = callee.as_member_expression() {
                    let obj = self.eval(m.object());
                    let name = match m {
                        MemberExpression::StaticMemberExpression(s) => {
                            V::str(s.property.name.as_str())
                        }
                        MemberExpression::ComputedMemberExpression(c) => self.eval(&c.expression),
                        MemberExpression::PrivateFieldExpression(_) => return V::Unknown,
                    };
                    let V::Str(name) = name else {
                        return V::Unknown;
                    };
                    if matches!(&*name, "call" | "apply") {
                        return self.call_method(&obj, &name, args);
                    }
                    // Buffer.from(…).toString(enc): the buffer is held as its text.
                    if matches!(obj, V::Builtin(_)) {
                        let f = self.get(&obj, &V::Str(name));
                        return self.call_value(&f, None, args);
                    }
                    if let V::Obj(o) = &obj {
                        let f = o.borrow().get(&*name).cloned().unwrap_or(V::Unknown);
                        return self.call_value(&f, Some(&obj), args);
                    }
                    return self.call_method(&obj, &name, args);
                }
                let f = self.eval(callee);
                self.call_value(&f, None, args)
            }
            _ => V::Unknown,
        }
    }

    pub(super) fn binary(&self, op: BinaryOperator, l: &V, r: &V) -> V {
        use BinaryOperator as B;
        if !l.known() || !r.known() {
            return V::Unknown;
        }
        let num = |f: fn(f64, f64) -> f64| match (l.to_num(), r.to_num()) {
            (Some(a), Some(b)) => V::Num(f(a, b)),
            _ => V::Unknown,
        };
        let int = |f: fn(i32, i32) -> i64| match (l.to_num(), r.to_num()) {
            (Some(a), Some(b)) => V::Num(f(to_i32(a), to_i32(b)) as f64),
            _ => V::Unknown,
        };
        match op {
            B::Addition => match (l, r) {
                (V::Str(_), _) | (_, V::Str(_)) | (V::Arr(_), _) | (_, V::Arr(_)) => {
                    match (l.to_str(), r.to_str()) {
                        (Some(a), Some(b)) => self.made(a + &b),
                        _ => V::Unknown,
                    }
                }
                _ => num(|a, b| a + b),
            },
            B::Subtraction => num(|a, b| a - b),
            B::Multiplication => num(|a, b| a * b),
            B::Division => num(|a, b| a / b),
            B::Remainder => num(|a, b| a % b),
            B::BitwiseXOR => int(|a, b| i64::from(a ^ b)),
            B::BitwiseAnd => int(|a, b| i64::from(a & b)),
            B::BitwiseOR => int(|a, b| i64::from(a | b)),
            B::ShiftLeft => int(|a, b| i64::from(a.wrapping_shl(b as u32 & 31))),
            B::ShiftRight => int(|a, b| i64::from(a >> (b as u32 & 31))),
            B::ShiftRightZeroFill => int(|a, b| i64::from((a as u32) >> (b as u32 & 31))),
            B::StrictEquality | B::Equality | B::StrictInequality | B::Inequality => {
                let eq = match (l, r) {
                    (V::Str(a), V::Str(b)) => Some(a == b),
                    (V::Num(a), V::Num(b)) => Some(a == b),
                    (V::Bool(a), V::Bool(b)) => Some(a == b),
                    (V::Undef | V::Null, V::Undef | V::Null)
                        if matches!(op, B::Equality | B::Inequality) =>
                    {
                        Some(true)
                    }
                    (V::Undef, V::Undef) | (V::Null, V::Null) => Some(true),
                    (V::Str(_) | V::Num(_) | V::Bool(_) | V::Undef | V::Null, _)
                        if matches!(op, B::StrictEquality | B::StrictInequality)
                            && !matches!(r, V::Arr(_) | V::Obj(_) | V::Fn(_) | V::Builtin(_)) =>
                    {
                        Some(false)
                    }
                    _ => None,
                };
                match eq {
                    Some(e) => V::Bool(if matches!(op, B::StrictEquality | B::Equality) {
                        e
                    } else {
                        !e
                    }),
                    None => V::Unknown,
                }
            }
            B::LessThan | B::GreaterThan | B::LessEqualThan | B::GreaterEqualThan => {
                let (Some(a), Some(b)) = (l.to_num(), r.to_num()) else {
                    return V::Unknown;
                };
                V::Bool(match op {
                    B::LessThan => a < b,
                    B::GreaterThan => a > b,
                    B::LessEqualThan => a <= b,
                    _ => a >= b,
                })
            }
            B::In => match (l.to_str(), r) {
                (Some(k), V::Obj(o)) => V::Bool(o.borrow().contains_key(&k)),
                _ => V::Unknown,
            },
            _ => V::Unknown,
        }
    }
}
