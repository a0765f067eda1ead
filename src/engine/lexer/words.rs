//! What a word or character is: keywords, the builtins worth seeing at a glance, identifier
//! and whitespace characters, and `\u`-escaped words decoded for those checks.

/// Words that are keywords wherever they appear outside a property name.
pub(super) fn is_keyword(w: &[u8]) -> bool {
    matches!(
        w,
        b"async"
            | b"await"
            | b"break"
            | b"case"
            | b"catch"
            | b"class"
            | b"const"
            | b"continue"
            | b"debugger"
            | b"default"
            | b"delete"
            | b"do"
            | b"else"
            | b"enum"
            | b"export"
            | b"extends"
            | b"false"
            | b"finally"
            | b"for"
            | b"function"
            | b"if"
            | b"import"
            | b"in"
            | b"instanceof"
            | b"let"
            | b"new"
            | b"null"
            | b"of"
            | b"return"
            | b"static"
            | b"super"
            | b"switch"
            | b"this"
            | b"throw"
            | b"true"
            | b"try"
            | b"typeof"
            | b"var"
            | b"void"
            | b"while"
            | b"with"
            | b"yield"
    )
}

/// Keywords after which a value follows (`/` divides).
pub(super) fn keyword_is_operand(w: &[u8]) -> bool {
    matches!(w, b"this" | b"super" | b"true" | b"false" | b"null")
}

/// Globals and properties worth seeing at a glance in untrusted code.
pub(super) fn is_builtin(w: &[u8]) -> bool {
    matches!(
        w,
        b"globalThis"
            | b"global"
            | b"window"
            | b"self"
            | b"process"
            | b"require"
            | b"module"
            | b"exports"
            | b"eval"
            | b"Function"
            | b"AsyncFunction"
            | b"GeneratorFunction"
            | b"constructor"
            | b"prototype"
            | b"__proto__"
            | b"__defineGetter__"
            | b"__defineSetter__"
            | b"__lookupGetter__"
            | b"__lookupSetter__"
            | b"arguments"
            | b"callee"
            | b"caller"
            | b"Reflect"
            | b"Proxy"
            | b"Symbol"
            | b"Object"
            | b"Array"
            | b"String"
            | b"Number"
            | b"Boolean"
            | b"BigInt"
            | b"Math"
            | b"JSON"
            | b"Date"
            | b"RegExp"
            | b"Error"
            | b"Promise"
            | b"Map"
            | b"Set"
            | b"WeakMap"
            | b"WeakSet"
            | b"WeakRef"
            | b"ArrayBuffer"
            | b"SharedArrayBuffer"
            | b"Atomics"
            | b"DataView"
            | b"WebAssembly"
            | b"Buffer"
            | b"console"
            | b"setTimeout"
            | b"setInterval"
            | b"setImmediate"
            | b"queueMicrotask"
            | b"fetch"
            | b"XMLHttpRequest"
            | b"WebSocket"
            | b"importScripts"
            | b"atob"
            | b"btoa"
            | b"escape"
            | b"unescape"
            | b"decodeURIComponent"
            | b"encodeURIComponent"
            | b"fromCharCode"
            | b"setPrototypeOf"
            | b"getPrototypeOf"
            | b"defineProperty"
            | b"getOwnPropertyDescriptor"
            | b"prepareStackTrace"
            | b"captureStackTrace"
            | b"undefined"
            | b"NaN"
            | b"Infinity"
    )
}

#[inline]
pub(super) fn is_ascii_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$'
}

#[inline]
pub(super) fn is_ascii_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

pub(super) fn is_unicode_ident_start(c: char) -> bool {
    c.is_alphabetic()
}

pub(super) fn is_unicode_ident_continue(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c,
            '\u{200c}' | '\u{200d}'                 // ZWNJ, ZWJ
            | '\u{b7}' | '\u{387}' | '\u{1369}'..='\u{1371}' | '\u{19da}' // Other_ID_Continue
            | '\u{30fb}' | '\u{ff65}'
            | '\u{0300}'..='\u{036f}'               // combining diacritical marks
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}'
            | '\u{203f}' | '\u{2040}' | '\u{2054}'  // connector punctuation
            | '\u{fe33}' | '\u{fe34}' | '\u{fe4d}'..='\u{fe4f}' | '\u{ff3f}')
}

pub(super) fn is_unicode_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Decodes `\u` escapes in an identifier into `buf` (ASCII only: enough to recognise keywords
/// and builtins, which are all ASCII). `None` when the result would not be ASCII or too long.
pub(super) fn decode_escaped_word<'b>(word: &str, buf: &'b mut [u8; 32]) -> Option<&'b [u8]> {
    let b = word.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        let c = if b[i] == b'\\' {
            // The lexer only let well-formed escapes into the word.
            let (hex, len) = if b.get(i + 2) == Some(&b'{') {
                let close = word[i..].find('}')? + i;
                (word.get(i + 3..close)?, close + 1 - i)
            } else {
                (word.get(i + 2..i + 6)?, 6)
            };
            i += len;
            u8::try_from(u32::from_str_radix(hex, 16).ok()?).ok()?
        } else {
            i += 1;
            b[i - 1]
        };
        if !c.is_ascii() || n == buf.len() {
            return None;
        }
        buf[n] = c;
        n += 1;
    }
    Some(&buf[..n])
}
