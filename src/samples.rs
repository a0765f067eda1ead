//! The annotated sample scripts of `samples/`, embedded in the binary so the workbench and the
//! CLI have them after `cargo install`.
//!
//! Each sample starts with a header of `// key: value` comment lines that says what the scanner
//! must report and what a run must show; `tests/samples.rs` checks every one:
//!
//! ```text
//! // sample: Constructor-chain escape via computed keys
//! // expect-outcome: error            (ok | error | timeout | memory_limit | stack_overflow | …)
//! // expect-value: 42                 (JSON of the completion value, when outcome is ok)
//! // expect-blocked: vm-escape@3      (category@line, comma-separated, of Blocked events;
//! //                                    `none`: no Blocked event at all)
//! // expect-console: hello            (a substring of the console output)
//! // expect-verdict: block            (allow | review | block)
//! // expect-findings: constructor-chain, eval  (rule ids the scanner must report)
//! // run-options: --profile lab --timeout 200  (options the run uses)
//! // needs: tempdir, server           (the test gives the run a temporary directory, `$TMP`
//! //                                    in run-options, and/or a loopback HTTP server,
//! //                                    `$SERVER` = 127.0.0.1:PORT)
//! // fixture: data/a.csv = x,y\n1,2   (a file in `$TMP`; `\n` is a newline)
//! // fixture-symlink: link -> /etc    (a symlink in `$TMP`)
//! ```

/// One embedded sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// File name, e.g. `escape-constructor-chain.js`.
    pub name: &'static str,
    pub source: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/samples.rs"));

/// Every sample, sorted by name.
pub fn all() -> &'static [Sample] {
    SAMPLES
}

/// A sample by file name (with or without `.js`; a `.wat` sample by its whole name).
pub fn find(name: &str) -> Option<&'static Sample> {
    SAMPLES
        .iter()
        .find(|s| s.name == name || s.name.strip_suffix(".js") == Some(name))
        .or_else(|| WASM_SAMPLES.iter().find(|s| s.name == name))
}

/// Every sample the workbench offers: the scripts, then the WebAssembly text samples.
pub fn workbench() -> &'static [Sample] {
    static ALL: std::sync::OnceLock<Vec<Sample>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| SAMPLES.iter().chain(WASM_SAMPLES).copied().collect())
}

/// The WebAssembly text samples (`samples/*.wat`, run by the `wasm` executor), sorted by
/// name. Their header uses `;;` comments with the same keys.
pub fn wasm() -> &'static [Sample] {
    WASM_SAMPLES
}

/// The sample the workbench opens with.
pub fn default_sample() -> Option<&'static Sample> {
    find("welcome").or_else(|| SAMPLES.first())
}

/// The `// key: value` header of a sample: every leading comment line that has a key.
pub fn header(source: &str) -> Vec<(&str, &str)> {
    source
        .lines()
        .map_while(|l| {
            let l = l.trim_start();
            l.strip_prefix("//").or_else(|| l.strip_prefix(";;"))
        })
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            let k = k.trim();
            (!k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                .then(|| (k, v.trim()))
        })
        .collect()
}

/// The value of one header key, if present.
pub fn header_value<'a>(source: &'a str, key: &str) -> Option<&'a str> {
    header(source)
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_stops_at_first_non_comment_line() {
        let src =
            "// sample: x\n// expect-value: 4\n//   free text\n2+2\n// expect-verdict: block\n";
        assert_eq!(header(src), vec![("sample", "x"), ("expect-value", "4")]);
        assert_eq!(header_value(src, "expect-verdict"), None);
    }

    #[test]
    fn samples_are_embedded() {
        assert!(!all().is_empty());
        assert!(default_sample().is_some());
    }
}
