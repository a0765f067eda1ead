//! The global builtins the evaluator knows (`atob`, `String.fromCharCode`, …), property
//! reads and writes, and the methods of strings, arrays and objects.

use super::*;

impl<'a> Evaluator<'a> {
    pub(super) fn builtin(&self, name: &str, _this: Option<&V>, args: Vec<V>) -> V {
        let a0 = args.first().cloned().unwrap_or(V::Undef);
        match name {
            "atob" => match a0.to_str().and_then(|s| decode_base64(&s)) {
                Some(s) => self.made(s),
                None => V::Unknown,
            },
            "unescape" => match a0
                .to_str()
                .and_then(|s| crate::engine::scan::decode::percent_decode(&s))
            {
                Some(s) => self.made(s),
                None => V::Unknown,
            },
            "String" => a0.to_str().map_or(V::Unknown, |s| self.made(s)),
            "Number" => a0.to_num().map_or(V::Unknown, V::Num),
            "parseInt" => {
                let (Some(s), radix) = (a0.to_str(), args.get(1).and_then(V::to_num)) else {
                    return V::Unknown;
                };
                let radix = radix.map_or(10, |r| r as u32);
                if !(2..=36).contains(&radix) {
                    return V::Unknown;
                }
                let t = s.trim();
                let digits: String = t.chars().take_while(|c| c.is_digit(radix)).collect();
                i64::from_str_radix(&digits, radix).map_or(V::Num(f64::NAN), |v| V::Num(v as f64))
            }
            "String.fromCharCode" | "String.fromCodePoint" => {
                let mut out = String::new();
                for a in &args {
                    let Some(n) = a.to_num() else {
                        return V::Unknown;
                    };
                    let n = if name == "String.fromCharCode" {
                        u32::from(to_i32(n) as u16)
                    } else {
                        n as u32
                    };
                    let Some(c) = char::from_u32(n) else {
                        return V::Unknown;
                    };
                    out.push(c);
                }
                self.made(out)
            }
            "Object.create" | "Object" => V::Obj(Rc::new(RefCell::new(FxHashMap::default()))),
            "Buffer.from" => {
                let (Some(s), enc) = (a0.to_str(), args.get(1).and_then(V::to_str)) else {
                    return V::Unknown;
                };
                let out = match enc.as_deref().unwrap_or("utf8") {
                    "base64" | "base64url" => decode_base64(&s),
                    "hex" => decode_hex(&s),
                    "utf8" | "utf-8" | "latin1" | "binary" | "ascii" => Some(s),
                    _ => None,
                };
                // A buffer is kept as its decoded text; `.toString()` returns it.
                out.map_or(V::Unknown, |s| self.made(s))
            }
            "JSON.parse" => match a0.to_str() {
                Some(s) if s.len() <= MAX_FOLD => serde_json::from_str::<serde_json::Value>(&s)
                    .ok()
                    .map_or(V::Unknown, |j| from_json(&j, 0)),
                _ => V::Unknown,
            },
            "Math.floor" => a0.to_num().map_or(V::Unknown, |n| V::Num(n.floor())),
            "Math.abs" => a0.to_num().map_or(V::Unknown, |n| V::Num(n.abs())),
            _ => V::Unknown,
        }
    }

    /// `obj[key]` for the values the evaluator models.
    pub(super) fn get(&self, obj: &V, key: &V) -> V {
        match obj {
            V::Arr(a) => {
                if let V::Str(k) = key {
                    if &**k == "length" {
                        return V::Num(a.borrow().len() as f64);
                    }
                    return self.method(obj, k);
                }
                let Some(i) = key.to_num() else {
                    return V::Unknown;
                };
                if i < 0.0 || i.fract() != 0.0 {
                    return V::Undef;
                }
                a.borrow().get(i as usize).cloned().unwrap_or(V::Undef)
            }
            V::Str(s) => match key {
                V::Str(k) if &**k == "length" => V::Num(s.chars().count() as f64),
                V::Str(k) => self.method(obj, k),
                other => match other.to_num() {
                    Some(i) if i >= 0.0 && i.fract() == 0.0 => s
                        .chars()
                        .nth(i as usize)
                        .map_or(V::Undef, |c| V::str(&c.to_string())),
                    _ => V::Unknown,
                },
            },
            V::Obj(o) => match key.to_str() {
                Some(k) => o.borrow().get(&k).cloned().unwrap_or(V::Undef),
                None => V::Unknown,
            },
            V::Builtin(b) => match (b, key) {
                (&"String", V::Str(k)) if &**k == "fromCharCode" => {
                    V::Builtin("String.fromCharCode")
                }
                (&"String", V::Str(k)) if &**k == "fromCodePoint" => {
                    V::Builtin("String.fromCodePoint")
                }
                (&"Object", V::Str(k)) if &**k == "create" => V::Builtin("Object.create"),
                (&"Buffer", V::Str(k)) if &**k == "from" => V::Builtin("Buffer.from"),
                (&"JSON", V::Str(k)) if &**k == "parse" => V::Builtin("JSON.parse"),
                (&"Math", V::Str(k)) if &**k == "floor" => V::Builtin("Math.floor"),
                (&"Math", V::Str(k)) if &**k == "abs" => V::Builtin("Math.abs"),
                _ => V::Unknown,
            },
            _ => V::Unknown,
        }
    }

    /// A method value of a string or array: `Method(receiver, name)` is modelled by calling
    /// it directly in [`Evaluator::call_method`]; as a bare value it is unknown.
    pub(super) fn method(&self, _obj: &V, _name: &str) -> V {
        V::Unknown
    }

    pub(super) fn call_method(&self, obj: &V, name: &str, args: Vec<V>) -> V {
        let a = |i: usize| args.get(i).cloned().unwrap_or(V::Undef);
        match obj {
            V::Str(s) => {
                let s: &str = s;
                match name {
                    "charCodeAt" | "codePointAt" => {
                        let i = a(0).to_num().unwrap_or(0.0);
                        if i < 0.0 {
                            return V::Num(f64::NAN);
                        }
                        // UTF-16 code units, as JavaScript counts them
                        let units: Vec<u16> = s.encode_utf16().collect();
                        units
                            .get(i as usize)
                            .map_or(V::Num(f64::NAN), |u| V::Num(f64::from(*u)))
                    }
                    "charAt" => {
                        let i = a(0).to_num().unwrap_or(0.0);
                        s.chars()
                            .nth(i.max(0.0) as usize)
                            .map_or(V::str(""), |c| V::str(&c.to_string()))
                    }
                    "split" => {
                        let sep = a(0);
                        let parts: Vec<V> = match &sep {
                            V::Str(p) if p.is_empty() => {
                                s.chars().map(|c| V::str(&c.to_string())).collect()
                            }
                            V::Str(p) => s.split(&**p).map(V::str).collect(),
                            V::Undef => vec![V::str(s)],
                            _ => return V::Unknown,
                        };
                        if parts.len() > MAX_ARRAY {
                            return V::Unknown;
                        }
                        V::Arr(Rc::new(RefCell::new(parts)))
                    }
                    "slice" | "substring" | "substr" => {
                        let chars: Vec<char> = s.chars().collect();
                        let len = chars.len() as i64;
                        let x = a(0).to_num().unwrap_or(0.0) as i64;
                        let y = match a(1) {
                            V::Undef => None,
                            v => v.to_num().map(|n| n as i64),
                        };
                        let clamp = |v: i64| v.clamp(0, len) as usize;
                        let rel = |v: i64| if v < 0 { clamp(len + v) } else { clamp(v) };
                        let (st, en) = match name {
                            "slice" => (rel(x), rel(y.unwrap_or(len))),
                            "substring" => {
                                let (p, q) = (clamp(x), clamp(y.unwrap_or(len)));
                                (p.min(q), p.max(q))
                            }
                            _ => {
                                let st = rel(x);
                                (st, clamp(st as i64 + y.unwrap_or(len)))
                            }
                        };
                        V::str(
                            &chars
                                .get(st..en.max(st))
                                .map(|c| c.iter().collect::<String>())
                                .unwrap_or_default(),
                        )
                    }
                    "toUpperCase" => self.made(s.to_uppercase()),
                    "toLowerCase" => self.made(s.to_lowercase()),
                    "trim" => V::str(s.trim()),
                    "toString" | "valueOf" => V::str(s),
                    "concat" => {
                        let mut out = s.to_string();
                        for x in &args {
                            match x.to_str() {
                                Some(t) => out.push_str(&t),
                                None => return V::Unknown,
                            }
                        }
                        self.made(out)
                    }
                    "replace" | "replaceAll" => {
                        let (V::Str(from), Some(to)) = (a(0), a(1).to_str()) else {
                            return V::Unknown;
                        };
                        let out = if name == "replace" {
                            s.replacen(&*from, &to, 1)
                        } else {
                            s.replace(&*from, &to)
                        };
                        self.made(out)
                    }
                    "indexOf" => {
                        let Some(p) = a(0).to_str() else {
                            return V::Unknown;
                        };
                        V::Num(s.find(&p).map_or(-1.0, |b| s[..b].chars().count() as f64))
                    }
                    "repeat" => {
                        let n = a(0).to_num().unwrap_or(0.0);
                        if n < 0.0 || (n as usize).saturating_mul(s.len()) > MAX_FOLD {
                            return V::Unknown;
                        }
                        self.made(s.repeat(n as usize))
                    }
                    _ => V::Unknown,
                }
            }
            V::Arr(arr) => match name {
                "join" => {
                    let sep = match a(0) {
                        V::Undef => ",".to_string(),
                        v => match v.to_str() {
                            Some(s) => s,
                            None => return V::Unknown,
                        },
                    };
                    let items = arr.borrow();
                    let mut out = String::new();
                    for (i, x) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(&sep);
                        }
                        match x {
                            V::Undef | V::Null => {}
                            other => match other.to_str() {
                                Some(t) => out.push_str(&t),
                                None => return V::Unknown,
                            },
                        }
                        if out.len() > MAX_FOLD {
                            return V::Unknown;
                        }
                    }
                    drop(items);
                    self.made(out)
                }
                "reverse" => {
                    arr.borrow_mut().reverse();
                    obj.clone()
                }
                "push" => {
                    let mut items = arr.borrow_mut();
                    if items.len() + args.len() > MAX_ARRAY {
                        return V::Unknown;
                    }
                    items.extend(args.into_iter().map(|v| self.hold(v)));
                    V::Num(items.len() as f64)
                }
                "shift" => {
                    let mut items = arr.borrow_mut();
                    if items.is_empty() {
                        V::Undef
                    } else {
                        items.remove(0)
                    }
                }
                "pop" => arr.borrow_mut().pop().unwrap_or(V::Undef),
                "unshift" => {
                    let mut items = arr.borrow_mut();
                    for (i, x) in args.into_iter().enumerate() {
                        if items.len() >= MAX_ARRAY {
                            return V::Unknown;
                        }
                        items.insert(i, self.hold(x));
                    }
                    V::Num(items.len() as f64)
                }
                "slice" | "concat" if args.is_empty() => {
                    V::Arr(Rc::new(RefCell::new(arr.borrow().clone())))
                }
                "map" | "filter" => {
                    let f = a(0);
                    let items = arr.borrow().clone();
                    let mut out = Vec::with_capacity(items.len());
                    for (i, x) in items.into_iter().enumerate() {
                        let r = self.call_value(&f, None, vec![x.clone(), V::Num(i as f64)]);
                        if !r.known() {
                            return V::Unknown;
                        }
                        if name == "map" {
                            out.push(self.hold(r));
                        } else if r.truthy() == Some(true) {
                            out.push(x);
                        }
                    }
                    V::Arr(Rc::new(RefCell::new(out)))
                }
                "indexOf" => {
                    let Some(p) = a(0).to_str() else {
                        return V::Unknown;
                    };
                    let items = arr.borrow();
                    V::Num(
                        items
                            .iter()
                            .position(|x| x.to_str().as_deref() == Some(p.as_str()))
                            .map_or(-1.0, |i| i as f64),
                    )
                }
                _ => V::Unknown,
            },
            V::Num(n) if name == "toString" => {
                let radix = a(0).to_num().map_or(10, |r| r as u32);
                if radix == 10 {
                    return V::str(&num_to_string(*n));
                }
                if !(2..=36).contains(&radix) || n.fract() != 0.0 || *n < 0.0 || *n > 1e15 {
                    return V::Unknown;
                }
                let mut v = *n as u64;
                let mut digits = Vec::new();
                loop {
                    digits.push(
                        std::char::from_digit((v % u64::from(radix)) as u32, radix).unwrap_or('0'),
                    );
                    v /= u64::from(radix);
                    if v == 0 {
                        break;
                    }
                }
                V::str(&digits.iter().rev().collect::<String>())
            }
            V::Builtin(_) | V::Fn(_) if matches!(name, "call" | "apply") => {
                let mut rest: Vec<V> = args.into_iter().skip(1).collect();
                if name == "apply" {
                    rest = match rest.first() {
                        Some(V::Arr(a)) => a.borrow().clone(),
                        _ => return V::Unknown,
                    };
                }
                self.call_value(obj, None, rest)
            }
            _ => V::Unknown,
        }
    }

    pub(super) fn set(&self, obj: &V, key: &V, v: V) {
        if !matches!(obj, V::Obj(_) | V::Arr(_)) {
            return;
        }
        let v = self.hold(v);
        match obj {
            V::Obj(o) => {
                if let Some(k) = key.to_str() {
                    let mut o = o.borrow_mut();
                    if o.len() < MAX_ARRAY || o.contains_key(&k) {
                        o.insert(k, v);
                    }
                }
            }
            V::Arr(a) => {
                if let Some(i) = key.to_num().filter(|i| *i >= 0.0 && i.fract() == 0.0) {
                    let i = i as usize;
                    let mut a = a.borrow_mut();
                    if i < a.len() {
                        a[i] = v;
                    } else if i == a.len() && i < MAX_ARRAY {
                        a.push(v);
                    }
                }
            }
            _ => {}
        }
    }
}
