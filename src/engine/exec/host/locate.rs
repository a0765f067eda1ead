//! Where in the script an attempt came from: the script's frame in a QuickJS stack string,
//! and what the source text at that place is (a prototype write, a `typeof` probe).

/// Finds the script's own location in a QuickJS stack string: the first frame from `filename`,
/// taking the LAST `(file:line:col)` group of that line (function names may hold parentheses).
pub(super) fn script_location(stack: &str, filename: &str) -> (Option<u32>, Option<u32>) {
    for raw in stack.lines().take(64) {
        let line = raw.trim();
        if let Some(loc) = frame_location(line, filename) {
            return (Some(loc.0), Some(loc.1));
        }
    }
    (None, None)
}

fn frame_location(line: &str, filename: &str) -> Option<(u32, u32)> {
    // Forms: "at name (file:L:C)" or "at file:L:C".
    let body = if let Some(stripped) = line.strip_suffix(')') {
        let needle = format!("({filename}:");
        let start = stripped.rfind(&needle)?;
        &stripped[start + 1..]
    } else {
        let rest = line.strip_prefix("at ")?;
        rest
    };
    let tail = body.strip_prefix(filename)?.strip_prefix(':')?;
    let (l, c) = tail.split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

/// True when script line `line` (1-based) writes through a prototype: `X.prototype.y = …`,
/// `x.__proto__…`, `x.constructor.prototype…`. Used to tell a refused write to a frozen shared
/// prototype from a write to the script's own frozen object.
pub(super) fn is_prototype_write(source: &str, line: u32) -> bool {
    let Some(text) = source.lines().nth(line.saturating_sub(1) as usize) else {
        return false;
    };
    let text = if text.len() > 4096 {
        &text[..text.floor_char_boundary(4096)]
    } else {
        text
    };
    text.contains("prototype") || text.contains("__proto__")
}

/// Whether the read of the global `name` at `line`:`column` (1-based, from the engine's call
/// site for the getter) is the operand of `typeof`: `typeof name`, `typeof (name)`,
/// `typeof globalThis.name`. The engine places a global read at its identifier and a member
/// read at the start of its object expression, so the chain starting there must end in
/// `name` and be preceded by the `typeof` keyword. Anything else (`name.x`, `typeof name.x`,
/// a position that does not match the text) is a read.
pub(super) fn is_typeof_probe(source: &str, line: u32, column: u32, name: &str) -> bool {
    let Some(text) = source.lines().nth(line.saturating_sub(1) as usize) else {
        return false;
    };
    let Some(start) = (column as usize).checked_sub(1) else {
        return false;
    };
    // QuickJS counts columns in characters; a line of ASCII has them equal to bytes.
    let start = if text.is_ascii() {
        start
    } else {
        match text.char_indices().nth(start) {
            Some((b, _)) => b,
            None => return false,
        }
    };
    let (Some(before), Some(rest)) = (text.get(..start), text.get(start..)) else {
        return false;
    };
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    // The member chain at the position: ident ( ('.' | '?.') ident )*
    let mut last;
    let mut tail = rest;
    loop {
        let end = tail.find(|c: char| !is_ident(c)).unwrap_or(tail.len());
        if end == 0 {
            return false;
        }
        last = &tail[..end];
        tail = &tail[end..];
        if let Some(t) = tail.strip_prefix("?.").or_else(|| tail.strip_prefix('.')) {
            tail = t;
            continue;
        }
        break;
    }
    if last != name {
        return false;
    }
    // Nothing may apply to the value: no member access, call, index or tagged template.
    let after = tail.trim_start();
    if after.starts_with(['.', '[', '(', '`']) || after.starts_with("?.") {
        return false;
    }
    let before = before.trim_end_matches(|c: char| c.is_whitespace() || c == '(');
    match before.strip_suffix("typeof") {
        Some(pre) => !pre.ends_with(is_ident),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_takes_the_first_script_frame_and_its_last_group() {
        let stack = "    at record (native)\n    at refuse (sandbench:host:40:5)\n    at f (x) (sandbox.js:1:1) (sandbox.js:3:7)\n    at <eval> (sandbox.js:9:1)\n";
        assert_eq!(script_location(stack, "sandbox.js"), (Some(3), Some(7)));
        assert_eq!(
            script_location("    at sandbox.js:2:4\n", "sandbox.js"),
            (Some(2), Some(4))
        );
        assert_eq!(script_location("garbage", "sandbox.js"), (None, None));
    }
}
