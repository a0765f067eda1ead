//! Properties of the highlighting lexer on any input: tokens cover the text exactly, on char
//! boundaries, and lexing line by line (as the editor does) colours every byte the same way
//! as lexing the whole source.

use proptest::prelude::*;
use sandbench::engine::lexer::{line_states, tokenize, tokenize_line, LineState, Token, TokenKind};

/// Asserts that `tokens` tile `src`: contiguous, non-empty, from 0 to the end, on char
/// boundaries.
fn assert_covers(src: &str, tokens: &[Token]) -> Result<(), TestCaseError> {
    let mut at = 0;
    for t in tokens {
        prop_assert_eq!(t.start, at, "gap or overlap before {:?} in {:?}", t, src);
        prop_assert!(t.end > t.start, "empty token {:?} in {:?}", t, src);
        prop_assert!(src.is_char_boundary(t.start) && src.is_char_boundary(t.end));
        at = t.end;
    }
    prop_assert_eq!(at, src.len(), "tokens stop early in {:?}", src);
    Ok(())
}

/// The kind of each byte of `src`.
fn byte_kinds(tokens: &[Token], offset: usize, out: &mut [Option<TokenKind>]) {
    for t in tokens {
        for slot in &mut out[offset + t.start..offset + t.end] {
            *slot = Some(t.kind);
        }
    }
}

/// Lexes `src` line by line from the cached line states, as the editor does.
fn kinds_by_line(src: &str) -> Result<Vec<Option<TokenKind>>, TestCaseError> {
    let states = line_states(src);
    let mut kinds = vec![None; src.len()];
    let mut offset = 0;
    let mut state = LineState::default();
    for (i, line) in src.split('\n').enumerate() {
        prop_assert_eq!(states[i], state, "line_states disagrees at line {}", i);
        let (toks, next) = tokenize_line(line, state);
        assert_covers(line, &toks)?;
        byte_kinds(&toks, offset, &mut kinds);
        state = next;
        offset += line.len() + 1;
    }
    Ok(kinds)
}

fn check(src: &str) -> Result<(), TestCaseError> {
    let whole = tokenize(src);
    assert_covers(src, &whole)?;
    let mut kinds = vec![None; src.len()];
    byte_kinds(&whole, 0, &mut kinds);
    let lines = kinds_by_line(src)?;
    for (i, (a, b)) in kinds.iter().zip(&lines).enumerate() {
        if src.as_bytes()[i] == b'\n' {
            continue;
        }
        prop_assert_eq!(a, b, "byte {} of {:?}: whole vs line by line", i, src);
    }
    Ok(())
}

/// Fragments that drive the lexer through all its states.
fn js_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/".to_string()),
        Just("/*".to_string()),
        Just("*/".to_string()),
        Just("//".to_string()),
        Just("`".to_string()),
        Just("${".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("?.".to_string()),
        Just(".5".to_string()),
        Just("#!".to_string()),
        Just("#p".to_string()),
        Just("\\u0065".to_string()),
        Just("\\u{6c}".to_string()),
        Just("10n".to_string()),
        Just("0x_f".to_string()),
        Just("1e+".to_string()),
        Just("return".to_string()),
        Just("eval".to_string()),
        Just("é".to_string()),
        Just("\u{2028}".to_string()),
        Just("\u{a0}".to_string()),
        Just("\u{1F600}".to_string()),
        Just(" ".to_string()),
        "[a-z0-9+*=<>!&|?:;,.-]{1,3}",
    ]
}

fn js_like() -> impl Strategy<Value = String> {
    prop::collection::vec(js_fragment(), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_is_covered_and_lexes_the_same_by_line(src in any::<String>()) {
        check(&src)?;
    }

    #[test]
    fn js_like_text_is_covered_and_lexes_the_same_by_line(src in js_like()) {
        check(&src)?;
    }

    #[test]
    fn any_line_from_any_reachable_state_is_covered(prefix in js_like(), line in any::<String>()) {
        let state = line_states(&prefix).last().copied().unwrap_or_default();
        // Lex the prefix's last line to get the state at its end.
        let last = prefix.rsplit('\n').next().unwrap_or("");
        let (_, state) = tokenize_line(last, state);
        let (toks, _) = tokenize_line(&line, state);
        assert_covers(&line, &toks)?;
    }
}

#[test]
fn every_embedded_sample_lexes_without_invalid_tokens() {
    for s in sandbench::samples::all() {
        let toks = tokenize(s.source);
        let bad: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == TokenKind::Invalid)
            .map(|t| t.text(s.source))
            .collect();
        assert!(bad.is_empty(), "{}: invalid tokens {bad:?}", s.name);
    }
}

#[test]
fn hostile_inputs_finish_and_cover() {
    let cases = [
        "/[".repeat(50_000),
        "`${".repeat(50_000),
        "{".repeat(100_000) + &"}".repeat(100_000),
        "\\".repeat(100_000),
        "'\\".repeat(50_000),
        "/*".repeat(50_000),
        "\u{202e}".repeat(10_000),
        "x/".repeat(50_000),
        "(/".repeat(50_000),
    ];
    for src in &cases {
        let toks = tokenize(src);
        assert_eq!(toks.first().map(|t| t.start), Some(0));
        assert_eq!(toks.last().map(|t| t.end), Some(src.len()));
        assert!(toks.windows(2).all(|w| w[0].end == w[1].start));
    }
}

/// Throughput of `tokenize` and of re-lexing one screen of lines. Run with
/// `cargo test --release --test lexer -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, run in release"]
fn measure_tokenize_throughput() {
    use std::time::Instant;
    let mut src = String::new();
    let samples = sandbench::samples::all();
    while src.len() < 100 * 1024 {
        for s in samples {
            src.push_str(s.source);
            src.push('\n');
        }
        src.push_str(
            "const re = /a[/]b\\/c/gi, t = `x${ {a: 1}.a / 2 }y`; // comment\n\
             /* block\n comment */ class A { #p = 0x1F_FFn; get p() { return this.#p?.x ?? .5; } }\n",
        );
    }
    let iters = 200;
    let t0 = Instant::now();
    let mut n = 0;
    for _ in 0..iters {
        n += std::hint::black_box(tokenize(std::hint::black_box(&src))).len();
    }
    let el = t0.elapsed();
    let per = el / iters;
    let mbps = (src.len() * iters as usize) as f64 / el.as_secs_f64() / 1e6;
    println!(
        "tokenize: {} bytes, {} tokens, {:?} per pass, {:.0} MB/s",
        src.len(),
        n / iters as usize,
        per,
        mbps
    );

    let states = line_states(&src);
    let lines: Vec<&str> = src.split('\n').collect();
    let mid = lines.len() / 2;
    let t0 = Instant::now();
    let mut out = Vec::new();
    for _ in 0..iters {
        for (i, line) in lines[mid..mid + 48].iter().enumerate() {
            out.clear();
            sandbench::engine::lexer::tokenize_line_into(line, states[mid + i], &mut out);
            std::hint::black_box(&out);
        }
    }
    println!("one 48-line screen: {:?}", t0.elapsed() / iters);
    let t0 = Instant::now();
    for _ in 0..iters {
        std::hint::black_box(line_states(std::hint::black_box(&src)));
    }
    println!(
        "line_states of the whole buffer: {:?}",
        t0.elapsed() / iters
    );
}
