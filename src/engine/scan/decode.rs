//! The run-time decoders the folder evaluates at scan time (base64, hex, `%`-escapes) and the
//! one-line decoder functions it recognises in the scanned code. Each returns `None` for
//! input the real decoder would reject or that does not decode to UTF-8 text.

use base64::Engine as _;

/// What a user-written decoder function does to its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    Base64,
    Hex,
    Reverse,
}

impl Decoder {
    pub fn apply(self, s: &str) -> Option<String> {
        match self {
            Decoder::Base64 => decode_base64(s),
            Decoder::Hex => decode_hex(s),
            Decoder::Reverse => Some(s.chars().rev().collect()),
        }
    }
}

/// Decodes standard or URL-safe base64 (padding optional) into UTF-8 text.
pub(crate) fn decode_base64(s: &str) -> Option<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let s: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = STANDARD
        .decode(&s)
        .or_else(|_| STANDARD_NO_PAD.decode(&s))
        .or_else(|_| URL_SAFE.decode(&s))
        .or_else(|_| URL_SAFE_NO_PAD.decode(&s))
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// Decodes a hex string into UTF-8 text.
pub(crate) fn decode_hex(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() / 2);
    for pair in b.chunks(2) {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out.push((hi * 16 + lo) as u8);
    }
    String::from_utf8(out).ok()
}

/// Decodes `%xx` and `%uXXXX` escapes.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    let hex =
        |x: &[u8]| -> Option<u32> { u32::from_str_radix(std::str::from_utf8(x).ok()?, 16).ok() };
    while i < b.len() {
        if b[i] == b'%' {
            if b.get(i + 1) == Some(&b'u') {
                let c = char::from_u32(hex(b.get(i + 2..i + 6)?)?)?;
                let mut buf = [0u8; 4];
                bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                i += 6;
                continue;
            }
            bytes.push(hex(b.get(i + 1..i + 3)?)? as u8);
            i += 3;
        } else {
            bytes.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoders() {
        assert_eq!(decode_base64("ZXZhbA==").as_deref(), Some("eval"));
        assert_eq!(decode_base64("ZXZhbA").as_deref(), Some("eval"));
        assert_eq!(decode_hex("6576616c").as_deref(), Some("eval"));
        assert_eq!(decode_hex("6g").as_deref(), None);
        assert_eq!(percent_decode("%65v%u0061l").as_deref(), Some("eval"));
        assert_eq!(percent_decode("%zz"), None);
    }
}
