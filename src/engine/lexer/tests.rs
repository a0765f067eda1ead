//! Unit tests of the lexer: token kinds and texts on small inputs, line states.

use super::TokenKind::*;
use super::*;

/// `(kind, text)` of every token, whitespace left out.
fn lex(src: &str) -> Vec<(TokenKind, &str)> {
    tokenize(src)
        .into_iter()
        .filter(|t| t.kind != Whitespace)
        .map(|t| (t.kind, t.text(src)))
        .collect()
}

fn kinds(src: &str) -> Vec<TokenKind> {
    lex(src).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn keywords_identifiers_and_builtins() {
    assert_eq!(
        lex("const x = globalThis.process"),
        vec![
            (Keyword, "const"),
            (Identifier, "x"),
            (Operator, "="),
            (Builtin, "globalThis"),
            (Punctuation, "."),
            (Builtin, "process"),
        ]
    );
    assert_eq!(
        lex("this.constructor.constructor('return this')()")[..5],
        [
            (Keyword, "this"),
            (Punctuation, "."),
            (Builtin, "constructor"),
            (Punctuation, "."),
            (Builtin, "constructor"),
        ]
    );
}

#[test]
fn escape_vectors_stand_out_as_builtins() {
    for src in [
        "Error.prepareStackTrace = f",
        "Object.setPrototypeOf(a, b)",
        "x.__proto__.polluted = 1",
        "String.fromCharCode(99)",
    ] {
        let toks = lex(src);
        assert_eq!(toks[2].0, Builtin, "{src}: {toks:?}");
    }
}

#[test]
fn keywords_after_a_dot_are_property_names() {
    assert_eq!(
        lex("a.return / b.if"),
        vec![
            (Identifier, "a"),
            (Punctuation, "."),
            (Identifier, "return"),
            (Operator, "/"),
            (Identifier, "b"),
            (Punctuation, "."),
            (Identifier, "if"),
        ]
    );
}

#[test]
fn unicode_escapes_in_identifiers_are_decoded_for_classification() {
    assert_eq!(lex(r"\u0065val(x)")[0], (Builtin, r"\u0065val"));
    assert_eq!(lex(r"\u{72}equire")[0], (Builtin, r"\u{72}equire"));
    assert_eq!(lex(r"a\u0062c")[0], (Identifier, r"a\u0062c"));
    assert_eq!(lex(r"\u{110000}x")[0], (Identifier, r"\u{110000}x"));
    // A backslash that is not an escape is invalid, and lexing carries on.
    assert_eq!(
        lex(r"\x41 y"),
        vec![(Invalid, "\\"), (Identifier, "x41"), (Identifier, "y")]
    );
}

#[test]
fn unicode_identifiers_and_whitespace() {
    assert_eq!(
        lex("const café = π\u{a0}+ naïve"),
        vec![
            (Keyword, "const"),
            (Identifier, "café"),
            (Operator, "="),
            (Identifier, "π"),
            (Operator, "+"),
            (Identifier, "naïve"),
        ]
    );
    assert_eq!(lex("a \u{1F600} b")[1], (Invalid, "\u{1F600}"));
}

#[test]
fn numbers_bigint_and_separators() {
    for n in [
        "0",
        "10n",
        "1_000_000",
        "0x1F",
        "0XffN",
        "0o17",
        "0b1010n",
        "1.5e-3",
        ".5",
        "5.",
        "1e10",
        "0x1_F",
        "017",
    ] {
        let got = lex(n);
        let want = if n == "0XffN" {
            // `N` is not the BigInt suffix.
            vec![(Invalid, n)]
        } else {
            vec![(Number, n)]
        };
        assert_eq!(got, want, "{n}");
    }
    assert_eq!(lex("3px"), vec![(Invalid, "3px")]);
    assert_eq!(
        lex("1..toString()")[..3],
        [(Number, "1."), (Punctuation, "."), (Identifier, "toString")]
    );
    assert_eq!(lex("1.5.x")[..2], [(Number, "1.5"), (Punctuation, ".")]);
    assert_eq!(lex("1e")[0], (Invalid, "1e"));
    // Legacy octal takes no fraction: `01.a` is a member access; `08.5` is decimal.
    assert_eq!(
        lex("01.a"),
        vec![(Number, "01"), (Punctuation, "."), (Identifier, "a")]
    );
    assert_eq!(lex("08.5"), vec![(Number, "08.5")]);
    assert_eq!(lex("a·b"), vec![(Identifier, "a·b")]);
}

#[test]
fn private_names() {
    assert_eq!(
        lex("this.#secret = #x in o"),
        vec![
            (Keyword, "this"),
            (Punctuation, "."),
            (Identifier, "#secret"),
            (Operator, "="),
            (Identifier, "#x"),
            (Keyword, "in"),
            (Identifier, "o"),
        ]
    );
    assert_eq!(lex("# x")[0], (Invalid, "#"));
}

#[test]
fn optional_chaining_versus_conditional_with_decimal() {
    assert_eq!(
        lex("a?.b"),
        vec![(Identifier, "a"), (Operator, "?."), (Identifier, "b")]
    );
    assert_eq!(
        lex("a?.5:1"),
        vec![
            (Identifier, "a"),
            (Operator, "?"),
            (Number, ".5"),
            (Operator, ":"),
            (Number, "1"),
        ]
    );
    assert_eq!(lex("a ? .5 : 1")[1..3], [(Operator, "?"), (Number, ".5")]);
    assert_eq!(lex("a?.[0]")[1], (Operator, "?."));
    assert_eq!(lex("a ?? b ??= c")[1], (Operator, "??"));
    assert_eq!(lex("a ?? b ??= c")[3], (Operator, "??="));
}

#[test]
fn operators_take_the_longest_match() {
    let src = "a >>>= b === c !== d ** e => ... &&= ||= <<= >>> ++ -- %= ^=";
    let ops: Vec<&str> = lex(src)
        .into_iter()
        .filter(|(k, _)| *k == Operator)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        ops,
        vec![
            ">>>=", "===", "!==", "**", "=>", "...", "&&=", "||=", "<<=", ">>>", "++", "--", "%=",
            "^="
        ]
    );
}

#[test]
fn regex_or_division_from_the_previous_token() {
    assert_eq!(
        kinds("a / b / c"),
        vec![Identifier, Operator, Identifier, Operator, Identifier]
    );
    // After these tokens a `/` divides: (source, index of the `/`).
    for (src, i) in [
        ("(1) / 2", 3),
        ("a[0] / 2", 4),
        ("i++ / 2", 2),
        ("this / 2", 1),
        ("g(if_(x)) / 2", 7),
        ("o.if(x) / 2", 6),
    ] {
        assert_eq!(lex(src)[i], (Operator, "/"), "{src}");
    }
    assert_eq!(lex("x /= 2")[1], (Operator, "/="));
    // After these it starts a regex: (source, index of the regex, its text). After the `)`
    // of a condition a statement starts, so a regex.
    for (src, i, regex) in [
        ("x = /ab+c/gi.test(s)", 2, "/ab+c/gi"),
        ("return /x/", 1, "/x/"),
        ("f(/[/]/)", 2, "/[/]/"),
        (r"s.split(/\//)", 4, r"/\//"),
        ("typeof /x/", 1, "/x/"),
        ("if (f(x)) /re/.test(s)", 7, "/re/"),
        ("while (a) /b/g.exec(s)", 4, "/b/g"),
        ("for await (x of y) /z/", 7, "/z/"),
    ] {
        assert_eq!(lex(src)[i], (Regex, regex), "{src}");
    }
}

#[test]
fn an_unterminated_regex_falls_back_to_division() {
    assert_eq!(
        kinds("x = / 2"),
        vec![Identifier, Operator, Operator, Number]
    );
    // Linear even for a pathological line.
    let evil = "(/[".repeat(20_000);
    let toks = tokenize(&evil);
    assert!(toks.iter().all(|t| t.kind != Regex));
}

#[test]
fn comments_and_hashbang() {
    assert_eq!(
        lex("#!/usr/bin/env node\nx // hi\n/* a\nb */ y"),
        vec![
            (Comment, "#!/usr/bin/env node"),
            (Identifier, "x"),
            (Comment, "// hi"),
            (Comment, "/* a\nb */"),
            (Identifier, "y"),
        ]
    );
    // Only at the very start.
    assert_eq!(lex(" #!x")[0], (Invalid, "#"));
    assert_eq!(lex("/* never closed"), vec![(Comment, "/* never closed")]);
}

#[test]
fn strings_escapes_and_unterminated() {
    assert_eq!(
        lex(r#""a\"b" 'c\'d'"#),
        vec![(String, r#""a\"b""#), (String, r"'c\'d'")]
    );
    assert_eq!(lex("'open\nx"), vec![(String, "'open"), (Identifier, "x")]);
    assert_eq!(
        lex("'a\\\nb' c"),
        vec![(String, "'a\\\nb'"), (Identifier, "c")]
    );
    assert_eq!(lex("'é\\é'"), vec![(String, "'é\\é'")]);
}

#[test]
fn templates_with_nested_substitutions() {
    let src = "`a${ {x: `b${c}`}.x }d` / 2";
    assert_eq!(
        lex(src),
        vec![
            (Template, "`a"),
            (Punctuation, "${"),
            (Punctuation, "{"),
            (Identifier, "x"),
            (Operator, ":"),
            (Template, "`b"),
            (Punctuation, "${"),
            (Identifier, "c"),
            (Punctuation, "}"),
            (Template, "`"),
            (Punctuation, "}"),
            (Punctuation, "."),
            (Identifier, "x"),
            (Punctuation, "}"),
            (Template, "d`"),
            (Operator, "/"),
            (Number, "2"),
        ]
    );
    assert_eq!(lex(r"`\${x}`"), vec![(Template, r"`\${x}`")]);
}

#[test]
fn line_state_carries_block_comments_templates_and_strings() {
    // A block comment and a string continued on the next line: (opening line, token kind,
    // the state that carries it, closing line, where the closing line's first token ends).
    let comment: fn(&LineState) -> bool = LineState::in_comment;
    let string: fn(&LineState) -> bool = LineState::in_string;
    for (open, kind, inside, close, end) in [
        ("x /* open", Comment, comment, "still */ y", 8),
        ("s = 'abc\\", String, string, "def' + 1", 4),
    ] {
        let (t, s) = tokenize_line(open, LineState::default());
        assert_eq!(t.last().map(|t| t.kind), Some(kind), "{open}");
        assert!(inside(&s), "{open}");
        let (t, s) = tokenize_line(close, s);
        assert_eq!(
            t[0],
            Token {
                kind,
                start: 0,
                end
            },
            "{close}"
        );
        assert!(!inside(&s), "{close}");
    }

    let (_, s) = tokenize_line("const t = `a ${ f({", LineState::default());
    assert!(!s.in_template());
    assert_eq!(s.template_depth(), 1);
    let (t, s) = tokenize_line("}) } tail", s);
    assert_eq!(t.last().map(|t| t.kind), Some(Template));
    assert!(s.in_template());
    let (t, s) = tokenize_line("end` / 2", s);
    assert_eq!(t[0].kind, Template);
    assert_eq!(t[2].kind, Operator);
    assert_eq!(s.template_depth(), 0);
}

#[test]
fn regex_context_crosses_lines() {
    let (_, s) = tokenize_line("x = a", LineState::default());
    let (t, _) = tokenize_line("/ b / c", s);
    assert_eq!(t[0].kind, Operator);
    let (_, s) = tokenize_line("x =", LineState::default());
    let (t, _) = tokenize_line("/ b / c", s);
    assert_eq!(t[0].kind, Regex);
}

#[test]
fn line_states_has_one_entry_per_line() {
    let src = "a\n/*\n*/\n`\n`";
    let states = line_states(src);
    assert_eq!(states.len(), 5);
    assert!(states[2].in_comment());
    assert!(states[4].in_template());
    assert!(!states[3].in_comment());
}

#[test]
fn deep_template_nesting_degrades_without_breaking() {
    let src = "`${".repeat(100) + &"}`".repeat(100);
    let toks = tokenize(&src);
    assert_eq!(toks.last().map(|t| t.end), Some(src.len()));
}
