//! Statements and calls: running a function body, control flow, and calling a value.

use super::*;

impl<'a> Evaluator<'a> {
    pub(super) fn exec_all(&self, stmts: &'a [Statement<'a>]) -> Flow {
        for st in stmts {
            match self.exec(st) {
                Flow::Normal => {}
                other => return other,
            }
        }
        Flow::Normal
    }

    pub(super) fn exec(&self, st: &'a Statement<'a>) -> Flow {
        self.nested(|| self.exec_in(st)).unwrap_or(Flow::Abort)
    }

    fn exec_in(&self, st: &'a Statement<'a>) -> Flow {
        match st {
            Statement::ExpressionStatement(e) => {
                self.eval(&e.expression);
                Flow::Normal
            }
            Statement::VariableDeclaration(v) => {
                for d in &v.declarations {
                    let BindingPattern::BindingIdentifier(id) = &d.id else {
                        continue;
                    };
                    let val = match &d.init {
                        Some(init) => self.eval(init),
                        None => V::Undef,
                    };
                    self.declare(self.binding_key(id), val);
                }
                Flow::Normal
            }
            Statement::FunctionDeclaration(_) | Statement::EmptyStatement(_) => Flow::Normal,
            Statement::ReturnStatement(r) => Flow::Return(match &r.argument {
                Some(a) => self.eval(a),
                None => V::Undef,
            }),
            Statement::BlockStatement(b) => self.exec_all(&b.body),
            Statement::IfStatement(i) => match self.eval(&i.test).truthy() {
                Some(true) => self.exec(&i.consequent),
                Some(false) => match &i.alternate {
                    Some(a) => self.exec(a),
                    None => Flow::Normal,
                },
                None => Flow::Abort,
            },
            Statement::BreakStatement(b) if b.label.is_none() => Flow::Break,
            Statement::ContinueStatement(c) if c.label.is_none() => Flow::Continue,
            Statement::ForStatement(f) => {
                match &f.init {
                    Some(ForStatementInit::VariableDeclaration(v)) => {
                        for d in &v.declarations {
                            if let BindingPattern::BindingIdentifier(id) = &d.id {
                                let val = d.init.as_ref().map_or(V::Undef, |i| self.eval(i));
                                self.declare(self.binding_key(id), val);
                            }
                        }
                    }
                    Some(other) => {
                        if let Some(e) = other.as_expression() {
                            self.eval(e);
                        }
                    }
                    None => {}
                }
                self.repeat(f.test.as_ref(), &f.body, f.update.as_ref())
            }
            Statement::WhileStatement(w) => self.repeat(Some(&w.test), &w.body, None),
            Statement::ForOfStatement(f) => {
                let ForStatementLeft::VariableDeclaration(v) = &f.left else {
                    return Flow::Abort;
                };
                let Some(BindingPattern::BindingIdentifier(id)) =
                    v.declarations.first().map(|d| &d.id)
                else {
                    return Flow::Abort;
                };
                let items: Vec<V> = match self.eval(&f.right) {
                    V::Arr(a) => a.borrow().clone(),
                    V::Str(s) => s.chars().map(|c| V::str(&c.to_string())).collect(),
                    _ => return Flow::Abort,
                };
                let key = self.binding_key(id);
                for it in items {
                    self.declare(key, it);
                    match self.exec(&f.body) {
                        Flow::Normal | Flow::Continue => {}
                        Flow::Break => break,
                        other => return other,
                    }
                }
                Flow::Normal
            }
            _ => Flow::Abort,
        }
    }

    /// A `for (;test;update) body` or `while (test) body` loop: aborts on a test whose truth
    /// is unknown or when the step budget is spent.
    fn repeat(
        &self,
        test: Option<&'a Expression<'a>>,
        body: &'a Statement<'a>,
        update: Option<&'a Expression<'a>>,
    ) -> Flow {
        loop {
            if let Some(t) = test {
                match self.eval(t).truthy() {
                    Some(true) => {}
                    Some(false) => break,
                    None => return Flow::Abort,
                }
            }
            match self.exec(body) {
                Flow::Normal | Flow::Continue => {}
                Flow::Break => break,
                other => return other,
            }
            if let Some(u) = update {
                self.eval(u);
            }
            if !self.step() {
                return Flow::Abort;
            }
        }
        Flow::Normal
    }

    pub(super) fn call_fn(&self, i: usize, args: Vec<V>) -> V {
        let Some(f) = self.fns.borrow().get(i).copied() else {
            return V::Unknown;
        };
        if self.depth.get() >= MAX_CALL_DEPTH || !self.step() {
            return V::Unknown;
        }
        let mut frame = FxHashMap::default();
        let n_params = f.params.items.len();
        for (n, p) in f.params.items.iter().enumerate() {
            match &p.pattern {
                BindingPattern::BindingIdentifier(id) => {
                    frame.insert(
                        self.binding_key(id),
                        args.get(n).cloned().unwrap_or(V::Undef),
                    );
                }
                _ => return V::Unknown,
            }
        }
        // (...rest)
        if let Some(rest) = &f.params.rest {
            let BindingPattern::BindingIdentifier(id) = &rest.rest.argument else {
                return V::Unknown;
            };
            let tail: Vec<V> = args
                .iter()
                .skip(n_params)
                .map(|v| self.hold(v.clone()))
                .collect();
            frame.insert(self.binding_key(id), V::Arr(Rc::new(RefCell::new(tail))));
        }
        self.frames.borrow_mut().push(frame);
        self.depth.set(self.depth.get() + 1);
        let out = match f.body {
            FnBody::Expr(e) => self.eval(e),
            FnBody::Block(b) => match self.exec_all(&b.statements) {
                Flow::Return(v) => v,
                Flow::Normal => V::Undef,
                _ => V::Unknown,
            },
        };
        self.depth.set(self.depth.get() - 1);
        self.frames.borrow_mut().pop();
        out
    }

    pub(super) fn call_value(&self, f: &V, this: Option<&V>, args: Vec<V>) -> V {
        match f {
            V::Fn(i) => self.call_fn(*i, args),
            V::Builtin(b) => self.builtin(b, this, args),
            _ => V::Unknown,
        }
    }
}
