//! Themes: every built-in is complete, readable (WCAG contrast) and warning-free; broken user
//! files become warnings naming the file and key and never take the set down; NO_COLOR gives
//! no colours at all.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use ratatui::style::{Color, Modifier, Style};
use sandbench::engine::lexer::TokenKind;
use sandbench::engine::scan::{Severity, Verdict};
use sandbench::tui::theme::{
    contrast_ratio, parse_theme, Theme, ThemeSet, BUILTIN_THEMES, MAX_THEME_BYTES, MONOCHROME,
};
use std::path::{Path, PathBuf};

const ALL_SEVERITIES: [Severity; 5] = [
    Severity::Info,
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];
const ALL_VERDICTS: [Verdict; 3] = [Verdict::Allow, Verdict::Review, Verdict::Block];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/themes")
}

/// A temp dir holding copies of the given fixtures.
fn dir_with(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for f in files {
        std::fs::copy(fixtures().join(f), dir.path().join(f)).expect("copy fixture");
    }
    dir
}

fn warnings_about<'a>(set: &'a ThemeSet, file: &str) -> Vec<&'a str> {
    set.warnings
        .iter()
        .filter(|w| w.contains(file))
        .map(String::as_str)
        .collect()
}

/// The theme set with fixture `file` as the only user theme, and the warnings naming it.
fn with_fixture(file: &str) -> (ThemeSet, Vec<String>) {
    let dir = dir_with(&[file]);
    let set = ThemeSet::load_from(Some(dir.path()), false);
    let w = warnings_about(&set, file)
        .into_iter()
        .map(String::from)
        .collect();
    (set, w)
}

/// `warnings` are one for each of `needles` (matched as substrings) and nothing else.
fn assert_warnings(warnings: &[String], needles: &[&str]) {
    for n in needles {
        assert!(
            warnings.iter().any(|w| w.contains(n)),
            "{n:?} not in {warnings:?}"
        );
    }
    assert_eq!(warnings.len(), needles.len(), "{warnings:?}");
}

/// What every theme shows, with colour or without: keywords in bold, block unlike allow.
fn assert_keywords_bold_and_verdicts_apart(t: &Theme) {
    assert!(
        t.token_style(TokenKind::Keyword)
            .add_modifier
            .contains(Modifier::BOLD),
        "{}",
        t.name
    );
    assert_ne!(
        t.verdict_style(Verdict::Block),
        t.verdict_style(Verdict::Allow),
        "{}",
        t.name
    );
}

fn fg(s: Style) -> Color {
    s.fg.unwrap_or(Color::Reset)
}

#[test]
fn builtin_themes_parse_without_warnings_and_set_every_key() {
    let names: Vec<&str> = BUILTIN_THEMES.iter().map(|(f, _)| *f).collect();
    assert!(names.len() >= 4, "{names:?}");
    for (file, text) in BUILTIN_THEMES {
        let parsed = parse_theme(file, text, &Theme::monochrome(), &[]);
        assert!(parsed.warnings.is_empty(), "{file}: {:?}", parsed.warnings);
        assert!(
            parsed.unset.is_empty(),
            "{file} leaves unset: {:?}",
            parsed.unset
        );
        assert_eq!(format!("{}.toml", parsed.theme.name), *file);
        // Parsed over the monochrome theme, so every colour came from the file.
        for (key, c) in parsed.theme.ui.entries() {
            assert!(matches!(c, Color::Rgb(..)), "{file}: ui.{key} is {c:?}");
        }
        for (key, s) in parsed.theme.styles() {
            assert!(
                matches!(s.fg, Some(Color::Rgb(..))),
                "{file}: {key} is {s:?}"
            );
        }
    }
    let set = ThemeSet::load_from(None, false);
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    assert_eq!(
        set.names(),
        vec![
            "default",
            "light",
            "high-contrast",
            "catppuccin-mocha",
            "gruvbox-dark",
            MONOCHROME
        ]
    );
    assert_eq!(set.default_theme(), &Theme::builtin());
}

#[test]
fn builtin_themes_meet_wcag_contrast() {
    let set = ThemeSet::load_from(None, false);
    for theme in set.themes.iter().filter(|t| !t.monochrome) {
        let need = if theme.name == "high-contrast" {
            7.0
        } else {
            4.5
        };
        let ui = theme.ui();
        let mut pairs: Vec<(String, Color, Color)> = vec![
            ("foreground/background".into(), ui.foreground, ui.background),
            ("foreground/selection".into(), ui.foreground, ui.selection),
            (
                "foreground/cursor_line".into(),
                ui.foreground,
                ui.cursor_line,
            ),
            ("foreground/popup".into(), ui.foreground, ui.popup),
            (
                "status_bar_text/status_bar".into(),
                ui.status_bar_text,
                ui.status_bar,
            ),
            ("line_number/gutter".into(), ui.line_number, ui.gutter),
            (
                "line_number_active/gutter".into(),
                ui.line_number_active,
                ui.gutter,
            ),
        ];
        for (key, c) in [
            ("title", ui.title),
            ("accent", ui.accent),
            ("dim", ui.dim),
            ("error", ui.error),
            ("warning", ui.warning),
            ("ok", ui.ok),
        ] {
            pairs.push((format!("{key}/background"), c, ui.background));
        }
        for (key, s) in theme.styles() {
            pairs.push((format!("{key}/background"), fg(s), ui.background));
        }
        for (what, a, b) in pairs {
            let ratio = contrast_ratio(a, b).unwrap_or(0.0);
            assert!(
                ratio >= need,
                "{}: {what} contrast {ratio:.2} < {need} ({a:?} on {b:?})",
                theme.name
            );
        }
    }
}

#[test]
fn contrast_ratio_matches_wcag_reference_values() {
    let black = Color::Rgb(0, 0, 0);
    let white = Color::Rgb(255, 255, 255);
    let r = contrast_ratio(black, white).expect("rgb");
    assert!((r - 21.0).abs() < 1e-9, "{r}");
    // #767676 on white is the classic just-passing AA grey (4.54:1).
    let grey = contrast_ratio(Color::Rgb(0x76, 0x76, 0x76), white).expect("rgb");
    assert!((grey - 4.54).abs() < 0.01, "{grey}");
    assert_eq!(contrast_ratio(Color::Red, white), None);
}

#[test]
fn each_syntax_key_colours_its_token_kind() {
    let mut text = String::from("[syntax]\n");
    for (i, k) in TokenKind::ALL.iter().enumerate() {
        text.push_str(&format!("{} = \"#0000{:02x}\"\n", k.as_str(), i + 1));
    }
    let parsed = parse_theme("distinct.toml", &text, &Theme::monochrome(), &[]);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    for (i, k) in TokenKind::ALL.iter().enumerate() {
        let want = Color::Rgb(0, 0, u8::try_from(i + 1).expect("small"));
        assert_eq!(parsed.theme.token_style(*k).fg, Some(want), "{k:?}");
    }
}

#[test]
fn themes_are_distinct_and_styles_reach_every_kind() {
    let set = ThemeSet::load_from(None, false);
    let default = set.default_theme();
    let light = set.get("light").expect("light theme");
    assert_ne!(default.ui().background, light.ui().background);
    assert_ne!(
        default.token_style(TokenKind::Keyword),
        default.token_style(TokenKind::Identifier)
    );
    assert_keywords_bold_and_verdicts_apart(default);
    assert_ne!(
        default.severity_style(Severity::Critical),
        default.severity_style(Severity::Info)
    );
    let u = default.severity_underline(Severity::High);
    assert!(u.add_modifier.contains(Modifier::UNDERLINED));
    assert_eq!(u.underline_color, default.severity_style(Severity::High).fg);
    assert_eq!(
        u.fg, None,
        "the underline keeps the syntax colour of the text"
    );
}

#[test]
fn no_color_gives_a_theme_without_any_colour() {
    let set = ThemeSet::load_from(Some(&fixtures()), true);
    assert_eq!(set.names(), vec![MONOCHROME]);
    let t = set.default_theme();
    assert!(t.monochrome);
    let no_colour = |s: Style| {
        [s.fg, s.bg, s.underline_color]
            .into_iter()
            .all(|c| matches!(c, None | Some(Color::Reset)))
    };
    let mut styles: Vec<Style> = TokenKind::ALL.iter().map(|k| t.token_style(*k)).collect();
    styles.extend(ALL_SEVERITIES.iter().map(|s| t.severity_style(*s)));
    styles.extend(ALL_SEVERITIES.iter().map(|s| t.severity_underline(*s)));
    styles.extend(ALL_VERDICTS.iter().map(|v| t.verdict_style(*v)));
    styles.extend([
        t.base(),
        t.border(true),
        t.border(false),
        t.title(),
        t.accent(),
        t.selection(),
        t.cursor_line(),
        t.line_number(true),
        t.line_number(false),
        t.gutter(),
        t.status_bar(),
        t.popup(),
        t.dim(),
        t.error(),
        t.warning(),
        t.ok(),
    ]);
    for s in &styles {
        assert!(no_colour(*s), "{s:?}");
    }
    for (key, c) in t.ui().entries() {
        assert_eq!(c, Color::Reset, "ui.{key}");
    }
    // Modifiers still tell things apart.
    assert!(t.selection().add_modifier.contains(Modifier::REVERSED));
    assert!(t.status_bar().add_modifier.contains(Modifier::REVERSED));
    assert_keywords_bold_and_verdicts_apart(t);
}

#[test]
fn invalid_toml_is_a_warning_with_the_line_and_the_set_stays_usable() {
    let (set, w) = with_fixture("invalid-toml.toml");
    assert_eq!(w.len(), 1, "{:?}", set.warnings);
    assert!(w[0].contains("invalid TOML at line 2"), "{}", w[0]);
    // The broken file still yields a usable theme (all defaults) under its file name.
    let t = set.get("invalid-toml").expect("theme from the file name");
    assert_eq!(t.syntax, set.default_theme().syntax);
    assert_eq!(set.themes.len(), BUILTIN_THEMES.len() + 2);
}

#[test]
fn bad_colours_are_warnings_naming_file_and_key_and_good_keys_still_apply() {
    let (set, w) = with_fixture("bad-colour.toml");
    assert_warnings(
        &w,
        &[
            "[syntax] keyword: bad colour \"#12345z\"",
            "[syntax] comment: bad modifier \"sparkly\"",
            "[syntax] number: expected a string or a table, found integer",
            "[ui] background: bad colour \"blurple\"",
        ],
    );

    let t = set.get("bad-colour").expect("theme");
    let d = set.default_theme();
    assert_eq!(t.syntax.string.fg, Some(Color::Rgb(255, 0, 0)));
    assert_eq!(
        t.ui.foreground,
        Color::Rgb(0xaa, 0xbb, 0xcc),
        "#rgb shorthand"
    );
    assert_eq!(t.syntax.keyword, d.syntax.keyword);
    assert_eq!(t.syntax.comment, d.syntax.comment);
    assert_eq!(t.ui.background, d.ui.background);
}

#[test]
fn unknown_keys_and_fields_are_warnings() {
    let (set, w) = with_fixture("unknown-key.toml");
    assert_warnings(
        &w,
        &[
            "unknown key \"colour\"",
            "unknown key \"extras\"",
            "[syntax] keywrod: unknown key",
            "[syntax] identifier: unknown field \"glow\"",
        ],
    );
    let t = set.get("unknown-key").expect("theme");
    assert_eq!(
        t.syntax.regex,
        Style::new()
            .fg(Color::Rgb(0, 255, 255))
            .add_modifier(Modifier::BOLD | Modifier::ITALIC)
    );
}

#[test]
fn values_of_the_wrong_type_are_warnings_and_leave_their_keys_to_the_base() {
    let text = "name = 7\ninherits = [\"light\"]\nseverity = \"red\"\n\
                [verdict]\nblock = 1979-05-27T07:32:00Z\n[ui]\naccent = [1, 2]\ndim = \"#00ff00\"\n";
    let base = Theme::builtin();
    let parsed = parse_theme("types.toml", text, &base, &["light"]);
    assert_warnings(
        &parsed.warnings,
        &[
            "theme types.toml: name: expected a non-empty string",
            "inherits: expected a string",
            "[severity] must be a table",
            // (serde hands a TOML date over as its text.)
            "[verdict] block: bad colour \"1979-05-27T07:32:00Z\"",
            "[ui] accent: expected a colour string",
        ],
    );
    assert_eq!(parsed.inherits, None);
    assert_eq!(
        parsed.theme.name, "types",
        "the file name stands in for a bad name"
    );
    // The one good key applies; every bad or missing one keeps the base's value.
    assert_eq!(parsed.theme.ui.dim, Color::Rgb(0, 255, 0));
    assert_eq!(parsed.theme.ui.accent, base.ui.accent);
    assert_eq!(parsed.theme.severity, base.severity);
    assert_eq!(parsed.theme.verdict, base.verdict);
    assert!(parsed.unset.contains(&"severity.critical".to_string()));
    assert!(parsed.unset.contains(&"verdict.allow".to_string()));
    assert!(
        !parsed.unset.contains(&"verdict.block".to_string()),
        "a bad value is a warning, not an unset key"
    );
    assert!(!parsed.unset.contains(&"ui.dim".to_string()));
}

#[test]
fn oversized_and_non_utf8_files_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let huge = format!(
        "[syntax]\nkeyword = \"#ff0000\"\n# {}\n",
        "x".repeat(MAX_THEME_BYTES as usize)
    );
    std::fs::write(dir.path().join("huge.toml"), huge).expect("write");
    std::fs::write(
        dir.path().join("latin1.toml"),
        b"[syntax]\nkeyword = \"#ff0000\" # caf\xe9\n",
    )
    .expect("write");
    // A directory named like a theme is not read either.
    std::fs::create_dir(dir.path().join("dir.toml")).expect("mkdir");
    let set = ThemeSet::load_from(Some(dir.path()), false);

    let huge_w = warnings_about(&set, "huge.toml");
    assert_eq!(huge_w.len(), 1, "{:?}", set.warnings);
    assert!(huge_w[0].contains("65536-byte limit") && huge_w[0].contains("skipped"));
    let latin = warnings_about(&set, "latin1.toml");
    assert_eq!(latin.len(), 1, "{:?}", set.warnings);
    assert!(
        latin[0].contains("not UTF-8") && latin[0].contains("offset 34"),
        "{}",
        latin[0]
    );
    assert_eq!(warnings_about(&set, "dir.toml").len(), 1);
    assert!(set.get("huge").is_none() && set.get("latin1").is_none());
    assert_eq!(set.themes.len(), BUILTIN_THEMES.len() + 1);
}

#[test]
fn user_themes_inherit_and_override_builtins() {
    let dir = dir_with(&["partial-light.toml", "inherits-missing.toml"]);
    std::fs::write(
        dir.path().join("default.toml"),
        "[ui]\nbackground = \"#000000\"\n",
    )
    .expect("write");
    let set = ThemeSet::load_from(Some(dir.path()), false);
    let builtins = ThemeSet::load_from(None, false);

    // `inherits = "light"`: one key changed, the rest from light.
    let mine = set.get("my-light").expect("my-light");
    let light = builtins.get("light").expect("light");
    assert_eq!(
        mine.syntax.keyword,
        Style::new()
            .fg(Color::Rgb(255, 0, 255))
            .add_modifier(Modifier::ITALIC)
    );
    assert_eq!(mine.syntax.string, light.syntax.string);
    assert_eq!(mine.ui, light.ui);

    // A file named like a built-in lays over it and keeps its place (first = default).
    let d = set.default_theme();
    assert_eq!(d.name, "default");
    assert_eq!(d.ui.background, Color::Rgb(0, 0, 0));
    assert_eq!(d.ui.foreground, Theme::builtin().ui.foreground);
    assert_eq!(d.syntax, Theme::builtin().syntax);

    // An unknown `inherits` is a warning; the defaults fill in.
    let w = warnings_about(&set, "inherits-missing.toml");
    assert_eq!(w.len(), 1, "{:?}", set.warnings);
    assert!(
        w[0].contains("no theme named \"no-such-theme\""),
        "{}",
        w[0]
    );
    let t = set.get("inherits-missing").expect("theme");
    assert_eq!(t.ui.background, Color::Rgb(0x10, 0x10, 0x10));
    assert_eq!(t.syntax, Theme::builtin().syntax);
}

#[test]
fn next_after_cycles_through_every_theme_and_wraps() {
    let set = ThemeSet::load_from(None, false);
    let names = set.names();
    let mut seen = vec![set.default_theme().name.clone()];
    let mut current = set.default_theme().name.clone();
    for _ in 1..names.len() {
        current = set.next_after(&current).name.clone();
        seen.push(current.clone());
    }
    assert_eq!(seen, names);
    assert_eq!(set.next_after(&current).name, names[0], "wraps around");
    assert_eq!(set.next_after("no such theme").name, names[0]);
    // The fields are public: an emptied set still answers with the built-in default.
    let empty = ThemeSet {
        themes: Vec::new(),
        warnings: Vec::new(),
    };
    assert_eq!(empty.next_after("default"), &Theme::builtin());
    assert_eq!(empty.default_theme(), &Theme::builtin());
}

#[test]
fn hostile_names_and_keys_are_escaped_in_themes_and_warnings() {
    let text = "name = \"evil\\u001b[2J\\u202e\"\n[ui]\n\"bad\\u001b[31m\" = \"red\"\n";
    let parsed = parse_theme("x\u{1b}y.toml", text, &Theme::builtin(), &[]);
    assert!(!parsed.theme.name.contains('\u{1b}') && !parsed.theme.name.contains('\u{202e}'));
    assert!(parsed.theme.name.starts_with("evil"));
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    for w in &parsed.warnings {
        assert!(!w.chars().any(|c| c == '\u{1b}'), "{w:?}");
        assert!(
            w.contains("x\\x1by.toml") && w.contains("bad\\x1b[31m"),
            "{w}"
        );
    }
}

#[test]
fn missing_theme_directory_is_not_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let set = ThemeSet::load_from(Some(&dir.path().join("nope")), false);
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    assert_eq!(set.themes.len(), BUILTIN_THEMES.len() + 1);
}

fn toml_ish() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "[syntax]",
        "[ui]",
        "[severity]",
        "[verdict]",
        "[",
        "inherits = \"light\"",
        "name = \"\"",
    ]);
    // Weighted as when each fixed line was an arm of its own.
    let line = prop_oneof![
        7 => fixed.prop_map(String::from),
        1 => "(keyword|background|info|block|name|fg|x) = \"[#a-z0-9 ]{0,12}\"",
        1 => "(keyword|comment|foreground) = \\{ fg = \"#[0-9a-f]{0,7}\", modifiers = \\[\"(bold|x)\"\\] \\}",
        1 => "(keyword|ui|syntax) = (1|true|\\[\\]|\\{\\})",
        1 => any::<String>(),
    ];
    prop::collection::vec(line, 0..12).prop_map(|v| v.join("\n"))
}

proptest! {
    #[test]
    fn any_theme_text_parses_to_a_usable_theme(text in toml_ish()) {
        let parsed = parse_theme("fuzz.toml", &text, &Theme::builtin(), &["light"]);
        prop_assert!(!parsed.theme.name.is_empty());
        let mut set = ThemeSet::load_from(None, false);
        set.add_user_theme("fuzz.toml", &text);
        prop_assert!(set.themes.len() > BUILTIN_THEMES.len());
        for w in &set.warnings {
            prop_assert!(w.contains("fuzz.toml"));
            prop_assert!(!w.chars().any(|c| c.is_control()));
        }
    }
}

#[test]
fn deeply_nested_toml_is_a_warning_not_a_stack_overflow() {
    for text in [
        format!("x = {}{}", "[".repeat(30_000), "]".repeat(30_000)),
        format!("[syntax]\nkeyword = {}", "{ fg = ".repeat(9_000)),
        format!("{}b = 1", "a.".repeat(20_000)),
    ] {
        assert!(text.len() as u64 <= MAX_THEME_BYTES);
        let parsed = parse_theme("deep.toml", &text, &Theme::builtin(), &[]);
        assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
        assert!(parsed.warnings[0].starts_with("theme deep.toml: invalid TOML"));
        assert_eq!(parsed.theme.syntax, Theme::builtin().syntax);
    }
}
