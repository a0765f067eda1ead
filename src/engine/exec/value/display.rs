//! A converted [`Node`] shown to the user: the display (as `console.log` would, capped) and
//! the JSON (as `JSON.stringify` would, where it can).

use super::{Node, DISPLAY_WIDTH, MAX_DISPLAY_CHARS};
use crate::engine::text;
use serde_json::{Map as JsonMap, Number, Value as Json};
use std::fmt::Write as _;

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` of a time value, as `Date.prototype.toISOString` prints it.
fn iso_date(ms: f64) -> Option<String> {
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return None;
    }
    let ms = ms as i64;
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    // Civil from days (H. Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("+{y:06}")
    };
    Some(format!(
        "{year}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z"
    ))
}

fn num_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        Json::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

impl Node {
    /// The value as JSON, following `JSON.stringify` where it can: `undefined`, functions and
    /// symbols are `None` (dropped from objects, `null` in arrays), BigInts become decimal
    /// strings, Proxies and getters stay unread.
    pub(crate) fn to_json(&self) -> Option<Json> {
        Some(match self {
            Node::Undefined | Node::Symbol(_) | Node::Function(_) => return None,
            Node::Null => Json::Null,
            Node::Bool(b) => Json::Bool(*b),
            Node::Num(n) => num_json(*n),
            Node::Str(s) => Json::String(s.clone()),
            Node::BigInt(s) => Json::String(s.clone()),
            Node::Array(items, _) | Node::TypedArray(_, items, _) => Json::Array(
                items
                    .iter()
                    .map(|i| i.to_json().unwrap_or(Json::Null))
                    .collect(),
            ),
            Node::ArrayBuffer(_) => Json::Object(JsonMap::new()),
            Node::Object(_, props, _) => {
                let mut m = JsonMap::new();
                for (k, v) in props {
                    if let Some(j) = v.to_json() {
                        m.insert(k.clone(), j);
                    }
                }
                Json::Object(m)
            }
            Node::Error(name, message) => {
                let mut m = JsonMap::new();
                m.insert("name".into(), Json::String(name.clone()));
                m.insert("message".into(), Json::String(message.clone()));
                Json::Object(m)
            }
            Node::Date(ms) => ms.and_then(iso_date).map_or(Json::Null, Json::String),
            Node::Collection(_, items, _) => Json::Array(
                items
                    .iter()
                    .map(|i| i.to_json().unwrap_or(Json::Null))
                    .collect(),
            ),
            Node::RegExp(_) | Node::Promise(_) | Node::Special(_) => Json::Object(JsonMap::new()),
            Node::Getter | Node::Proxy | Node::Circular | Node::TooDeep | Node::TooMany => {
                Json::String(self.display())
            }
        })
    }

    /// The display of a run's completion value: as [`Node::display`], but a string is quoted
    /// (with `\\` and `\"` escaped), so the string `"undefined"` never looks like `undefined`.
    pub(crate) fn value_display(&self) -> String {
        let Node::Str(s) = self else {
            return self.display();
        };
        // Two characters for the quotes, within the same bound as every display.
        let room = MAX_DISPLAY_CHARS - 2;
        let mut q = String::with_capacity(s.len().min(room) + 2);
        q.push('"');
        for c in s.chars().take(room) {
            if matches!(c, '"' | '\\') {
                q.push('\\');
            }
            q.push(c);
        }
        let cut = s.chars().nth(room).is_some();
        q.push_str(if cut { "…" } else { "\"" });
        text::escape(&q, false).into_owned()
    }

    /// A bounded, escaped one-line display (for terminals and logs).
    pub(crate) fn display(&self) -> String {
        let mut out = String::new();
        self.fmt_into(&mut out, true);
        let t = text::truncate(&out, MAX_DISPLAY_CHARS).into_owned();
        text::escape(&t, false).into_owned()
    }

    fn fmt_into(&self, out: &mut String, top: bool) {
        if out.len() > MAX_DISPLAY_CHARS * 4 {
            return;
        }
        match self {
            Node::Undefined => out.push_str("undefined"),
            Node::Null => out.push_str("null"),
            Node::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Node::Num(n) => out.push_str(&fmt_num(*n)),
            Node::Str(s) => {
                if top {
                    out.push_str(s);
                } else {
                    let _ = write!(out, "{s:?}");
                }
            }
            // A summarised huge BigInt already carries its `n` (see `bigint_text`).
            Node::BigInt(s) if s.contains('≈') => out.push_str(s),
            Node::BigInt(s) => {
                let _ = write!(out, "{s}n");
            }
            Node::Symbol(d) => {
                let _ = write!(out, "Symbol({})", d.as_deref().unwrap_or(""));
            }
            Node::Function(name) if name.is_empty() => out.push_str("[Function (anonymous)]"),
            Node::Function(name) => {
                let _ = write!(out, "[Function: {name}]");
            }
            Node::Array(items, more) => {
                out.push('[');
                list(out, items, *more);
                out.push(']');
            }
            Node::TypedArray(name, items, more) => {
                let _ = write!(out, "{name}({}) [", items.len() + more);
                list(out, items, *more);
                out.push(']');
            }
            Node::ArrayBuffer(n) => {
                let _ = write!(out, "ArrayBuffer {{ byteLength: {n} }}");
            }
            Node::Object(class, props, more) => {
                if let Some(c) = class {
                    out.push_str(c);
                    out.push(' ');
                }
                if props.is_empty() && *more == 0 {
                    out.push_str("{}");
                    return;
                }
                out.push_str("{ ");
                for (i, (k, v)) in props.iter().take(DISPLAY_WIDTH).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if is_ident(k) {
                        out.push_str(k);
                    } else {
                        let _ = write!(out, "{k:?}");
                    }
                    out.push_str(": ");
                    v.fmt_into(out, false);
                }
                let hidden = more + props.len().saturating_sub(DISPLAY_WIDTH);
                more_marker(out, hidden, props.is_empty());
                out.push_str(" }");
            }
            Node::Error(name, msg) if msg.is_empty() => out.push_str(name),
            Node::Error(name, msg) => {
                let _ = write!(out, "{name}: {msg}");
            }
            Node::Date(ms) => match ms.and_then(iso_date) {
                Some(d) => out.push_str(&d),
                None => out.push_str("Invalid Date"),
            },
            Node::Promise(state) => {
                let _ = write!(out, "Promise {{ <{state}> }}");
            }
            Node::Special(s) => out.push_str(s),
            Node::RegExp(s) => out.push_str(s),
            Node::Collection(is_map, items, more) => {
                let n = items.len() + more;
                let _ = write!(out, "{}({n}) {{", if *is_map { "Map" } else { "Set" });
                if n == 0 {
                    out.push('}');
                    return;
                }
                out.push(' ');
                for (i, item) in items.iter().take(DISPLAY_WIDTH).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    match (is_map, item) {
                        (true, Node::Array(kv, _)) if kv.len() == 2 => {
                            kv[0].fmt_into(out, false);
                            out.push_str(" => ");
                            kv[1].fmt_into(out, false);
                        }
                        _ => item.fmt_into(out, false),
                    }
                }
                let hidden = more + items.len().saturating_sub(DISPLAY_WIDTH);
                more_marker(out, hidden, items.is_empty());
                out.push_str(" }");
            }
            Node::Getter => out.push_str("[Getter]"),
            Node::Proxy => out.push_str("[Proxy]"),
            Node::Circular => out.push_str("[Circular]"),
            Node::TooDeep => out.push_str("[…]"),
            Node::TooMany => out.push('…'),
        }
    }
}

fn list(out: &mut String, items: &[Node], more: usize) {
    for (i, v) in items.iter().take(DISPLAY_WIDTH).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        v.fmt_into(out, false);
    }
    let hidden = more + items.len().saturating_sub(DISPLAY_WIDTH);
    more_marker(out, hidden, items.is_empty());
}

fn more_marker(out: &mut String, hidden: usize, first: bool) {
    if hidden > 0 {
        let sep = if first { "" } else { ", " };
        let _ = write!(out, "{sep}… {hidden} more");
    }
}

fn is_ident(k: &str) -> bool {
    let mut cs = k.chars();
    matches!(cs.next(), Some(c) if c.is_alphabetic() || c == '_' || c == '$')
        && cs.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

fn fmt_num(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n == 0.0 && n.is_sign_negative() {
        "-0".into()
    } else if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i128)
    } else {
        format!("{n}")
    }
}
