//! Colour themes: syntax colours per [`TokenKind`], severity and verdict colours, and the UI
//! palette. Built-in themes are `themes/*.toml`, embedded in the binary; user themes in
//! `<config dir>/themes/*.toml` are laid over them. Theme files are untrusted input: a bad
//! file, key or colour becomes a warning naming the file and key, never a crash.
//!
//! ```toml
//! name = "mine"               # optional; the file name otherwise
//! inherits = "dracula"        # optional; unset keys come from this theme (default: "default",
//!                             # or the built-in theme of the same name when overriding one)
//! [syntax]
//! keyword = "#ff79c6 bold"    # a colour, then optional modifiers
//! comment = { fg = "#6272a4", modifiers = ["italic"] }
//! [ui]
//! background = "#282a36"      # UI keys take one colour: "#rrggbb", "#rgb", a name like
//!                             # "red" or "light-blue", an ANSI index "0".."255", or "reset"
//! ```
//!
//! Each section's keys are listed once, in `section!`: that gives the theme's struct, the
//! file's struct (serde, every key optional) and the merge of one over the other.
//!
//! `NO_COLOR` (set and non-empty) replaces every theme by [`Theme::monochrome`].

mod file;

use crate::engine::lexer::TokenKind;
use crate::engine::scan::{Severity, Verdict};
pub use file::MAX_THEME_BYTES;
use file::{FromToml, Lenient, Merge, SectionKeys};
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// At most this many user theme files are read.
pub const MAX_USER_THEMES: usize = 64;

/// The built-in themes: (file name, contents). The first is the default.
pub const BUILTIN_THEMES: &[(&str, &str)] = &[
    ("default.toml", include_str!("../../../themes/default.toml")),
    ("light.toml", include_str!("../../../themes/light.toml")),
    (
        "high-contrast.toml",
        include_str!("../../../themes/high-contrast.toml"),
    ),
    (
        "catppuccin-mocha.toml",
        include_str!("../../../themes/catppuccin-mocha.toml"),
    ),
    (
        "gruvbox-dark.toml",
        include_str!("../../../themes/gruvbox-dark.toml"),
    ),
];

/// Name of the theme used when `NO_COLOR` is set.
pub const MONOCHROME: &str = "monochrome";

/// One section of a theme: `$name` holds a `$value` per key; `$file` is how a theme file
/// writes it (every key optional, a bad value kept as its warning, unknown keys collected).
macro_rules! section {
    (
        $(#[$doc:meta])*
        $name:ident, $file:ident, $section:literal: $value:ty {
            $($(#[$kdoc:meta])* $key:ident,)+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            $($(#[$kdoc])* pub $key: $value,)+
        }

        impl $name {
            /// The section's keys, in file order.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($key)),+];

            /// Every value with its key, in file order.
            pub fn entries(&self) -> Vec<(&'static str, $value)> {
                vec![$((stringify!($key), self.$key)),+]
            }

            /// The same value for every key.
            #[allow(dead_code)] // generated for every section; only some presets need it
            fn filled(v: $value) -> Self {
                $name { $($key: v),+ }
            }
        }

        #[derive(Debug, Deserialize)]
        struct $file {
            $($key: Option<Lenient<$value>>,)+
            #[serde(flatten)]
            unknown: BTreeMap<String, toml::Value>,
        }

        impl SectionKeys for $file {
            const KEYS: &'static [&'static str] = $name::KEYS;
        }

        impl FromToml for $file {
            fn from_toml(v: toml::Value) -> Result<Self, String> {
                file::section_from_toml(v)
            }
        }

        impl $file {
            /// Lays the keys this section sets over `into`.
            fn merge(self, into: &mut $name, m: &mut Merge) {
                $(match self.$key {
                    Some(Lenient(Ok(v))) => into.$key = v,
                    Some(Lenient(Err(e))) => m.bad($section, stringify!($key), &e),
                    None => m.unset($section, stringify!($key)),
                })+
                for key in self.unknown.keys() {
                    m.unknown($section, key, $name::KEYS);
                }
            }
        }
    };
}

section! {
    /// Style per token kind.
    SyntaxStyles, SyntaxFile, "syntax": Style {
        keyword, identifier, builtin, number, string, template, regex, comment, operator,
        punctuation, whitespace, invalid,
    }
}

section! {
    /// Style per finding severity (gutter markers; underline colour for spans).
    SeverityStyles, SeverityFile, "severity": Style {
        info, low, medium, high, critical,
    }
}

section! {
    /// Style per scan verdict.
    VerdictStyles, VerdictFile, "verdict": Style {
        allow, review, block,
    }
}

section! {
    /// The UI palette. Prefer the [`Theme`] helpers (`base`, `border`, `selection`…), which also
    /// add the modifiers that stand in for colour in the monochrome theme.
    UiColors, UiFile, "ui": Color {
        background,
        foreground,
        border,
        border_focused,
        title,
        accent,
        /// Background of selected text and the selected list row.
        selection,
        /// Background of the cursor's line in the editor.
        cursor_line,
        line_number,
        line_number_active,
        /// Background of the editor gutter.
        gutter,
        /// Status bar background and text.
        status_bar,
        status_bar_text,
        /// Background of overlays (help, prompts, pickers).
        popup,
        dim,
        error,
        warning,
        ok,
        graph_memory,
        graph_cpu,
        graph_limit,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    pub syntax: SyntaxStyles,
    pub severity: SeverityStyles,
    pub verdict: VerdictStyles,
    pub ui: UiColors,
    /// No colours at all: the helpers use modifiers (reverse, bold, dim, underline) instead.
    pub monochrome: bool,
}

/// The default theme, parsed once.
fn builtin_ref() -> &'static Theme {
    static DEFAULT: OnceLock<Theme> = OnceLock::new();
    DEFAULT.get_or_init(|| {
        let (file, text) = BUILTIN_THEMES[0];
        parse_theme(file, text, &Theme::monochrome(), &[]).theme
    })
}

impl Theme {
    /// The default dark theme (`themes/default.toml`), compiled in.
    pub fn builtin() -> Theme {
        builtin_ref().clone()
    }

    /// No colours, only modifiers: for `NO_COLOR` and terminals without colour.
    pub fn monochrome() -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let dim = Style::new().add_modifier(Modifier::DIM);
        let italic = Style::new().add_modifier(Modifier::ITALIC);
        let reversed = Style::new().add_modifier(Modifier::REVERSED);
        let mut syntax = SyntaxStyles::filled(plain);
        syntax.keyword = bold;
        syntax.builtin = bold.add_modifier(Modifier::ITALIC);
        syntax.string = italic;
        syntax.template = italic;
        syntax.regex = italic;
        syntax.comment = dim;
        syntax.invalid = reversed;
        Theme {
            name: MONOCHROME.to_string(),
            syntax,
            severity: SeverityStyles {
                info: dim,
                low: plain,
                medium: bold,
                high: bold.add_modifier(Modifier::UNDERLINED),
                critical: bold.add_modifier(Modifier::REVERSED),
            },
            verdict: VerdictStyles {
                allow: plain,
                review: bold,
                block: bold.add_modifier(Modifier::REVERSED),
            },
            ui: UiColors::filled(Color::Reset),
            monochrome: true,
        }
    }

    pub fn token_style(&self, kind: TokenKind) -> Style {
        let s = &self.syntax;
        match kind {
            TokenKind::Keyword => s.keyword,
            TokenKind::Identifier => s.identifier,
            TokenKind::Builtin => s.builtin,
            TokenKind::Number => s.number,
            TokenKind::String => s.string,
            TokenKind::Template => s.template,
            TokenKind::Regex => s.regex,
            TokenKind::Comment => s.comment,
            TokenKind::Operator => s.operator,
            TokenKind::Punctuation => s.punctuation,
            TokenKind::Whitespace => s.whitespace,
            TokenKind::Invalid => s.invalid,
        }
    }

    /// For gutter markers and finding labels.
    pub fn severity_style(&self, sev: Severity) -> Style {
        let s = &self.severity;
        match sev {
            Severity::Info => s.info,
            Severity::Low => s.low,
            Severity::Medium => s.medium,
            Severity::High => s.high,
            Severity::Critical => s.critical,
        }
    }

    /// To patch over a syntax style for a finding's span: underlined, the underline in the
    /// severity colour (the text keeps its syntax colour). Monochrome: underline only.
    pub fn severity_underline(&self, sev: Severity) -> Style {
        let underline = Style::new().add_modifier(Modifier::UNDERLINED);
        match self.severity_style(sev).fg {
            Some(c) if !self.monochrome && c != Color::Reset => underline.underline_color(c),
            _ => underline,
        }
    }

    pub fn verdict_style(&self, v: Verdict) -> Style {
        let s = &self.verdict;
        match v {
            Verdict::Allow => s.allow,
            Verdict::Review => s.review,
            Verdict::Block => s.block,
        }
    }

    pub fn ui(&self) -> &UiColors {
        &self.ui
    }

    /// Plain text on the background: the style for every pane's base.
    pub fn base(&self) -> Style {
        Style::new().fg(self.ui.foreground).bg(self.ui.background)
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg_or(self.ui.border_focused, Modifier::BOLD)
        } else {
            self.fg_or(self.ui.border, Modifier::DIM)
        }
    }

    pub fn title(&self) -> Style {
        Style::new().fg(self.ui.title).add_modifier(Modifier::BOLD)
    }

    pub fn accent(&self) -> Style {
        self.fg_or(self.ui.accent, Modifier::BOLD)
    }

    /// Selected text or the selected row of a list.
    pub fn selection(&self) -> Style {
        self.bg_or(self.ui.selection, Modifier::REVERSED)
    }

    /// The editor line holding the cursor (monochrome: nothing, the cursor shows it).
    pub fn cursor_line(&self) -> Style {
        Style::new().bg(self.ui.cursor_line)
    }

    pub fn line_number(&self, active: bool) -> Style {
        if active {
            self.fg_or(self.ui.line_number_active, Modifier::BOLD)
                .bg(self.ui.gutter)
        } else {
            self.fg_or(self.ui.line_number, Modifier::DIM)
                .bg(self.ui.gutter)
        }
    }

    pub fn gutter(&self) -> Style {
        Style::new().bg(self.ui.gutter)
    }

    pub fn status_bar(&self) -> Style {
        self.bg_or(self.ui.status_bar, Modifier::REVERSED)
            .fg(self.ui.status_bar_text)
    }

    pub fn popup(&self) -> Style {
        Style::new().fg(self.ui.foreground).bg(self.ui.popup)
    }

    pub fn dim(&self) -> Style {
        self.fg_or(self.ui.dim, Modifier::DIM)
    }

    pub fn error(&self) -> Style {
        self.fg_or(self.ui.error, Modifier::BOLD)
    }

    pub fn warning(&self) -> Style {
        self.fg_or(self.ui.warning, Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        Style::new().fg(self.ui.ok)
    }

    fn fg_or(&self, c: Color, mono: Modifier) -> Style {
        if self.monochrome {
            Style::new().fg(Color::Reset).add_modifier(mono)
        } else {
            Style::new().fg(c)
        }
    }

    fn bg_or(&self, c: Color, mono: Modifier) -> Style {
        if self.monochrome {
            Style::new().bg(Color::Reset).add_modifier(mono)
        } else {
            Style::new().bg(c)
        }
    }

    /// Every syntax, severity and verdict style with its `section.key` name.
    pub fn styles(&self) -> Vec<(String, Style)> {
        let sections = [
            ("syntax", self.syntax.entries()),
            ("severity", self.severity.entries()),
            ("verdict", self.verdict.entries()),
        ];
        sections
            .into_iter()
            .flat_map(|(section, entries)| {
                entries
                    .into_iter()
                    .map(move |(k, s)| (format!("{section}.{k}"), s))
            })
            .collect()
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::builtin()
    }
}

/// The result of parsing one theme file.
#[derive(Debug, Clone)]
pub struct ParsedTheme {
    pub theme: Theme,
    pub warnings: Vec<String>,
    /// `section.key` of every key the file did not set (inherited instead).
    pub unset: Vec<String>,
    /// The `inherits` name, if the file gave one.
    pub inherits: Option<String>,
}

/// Parses a theme file's text and lays it over `base`. `label` names the file in warnings.
/// `known` lists the theme names `inherits` may refer to; the caller resolves it (this
/// function only reports it in [`ParsedTheme::inherits`]).
pub fn parse_theme(label: &str, text: &str, base: &Theme, known: &[&str]) -> ParsedTheme {
    let mut parsed = file::parse(label, text);
    let inherits = parsed.inherits(known);
    let (theme, merge) = parsed.over(base);
    ParsedTheme {
        theme,
        warnings: merge.warnings,
        unset: merge.unset,
        inherits,
    }
}

/// The loaded themes: never empty; the first is the default.
#[derive(Debug, Clone)]
pub struct ThemeSet {
    pub themes: Vec<Theme>,
    /// One line per problem with a built-in or user theme file, for the status bar.
    pub warnings: Vec<String>,
}

impl ThemeSet {
    /// Built-in themes, then the `*.toml` files of `user_dir` (sorted by name) laid over them:
    /// a user theme replaces the theme of the same name, taking its unset keys from
    /// `inherits`, else from the theme it replaces, else from the default. The monochrome
    /// theme comes last. With `no_color`, only the monochrome theme.
    pub fn load_from(user_dir: Option<&Path>, no_color: bool) -> ThemeSet {
        if no_color {
            return ThemeSet {
                themes: vec![Theme::monochrome()],
                warnings: Vec::new(),
            };
        }
        let mut set = ThemeSet {
            themes: Vec::new(),
            warnings: Vec::new(),
        };
        let default = Theme::builtin();
        for (i, (file, text)) in BUILTIN_THEMES.iter().enumerate() {
            let base = if i == 0 {
                Theme::monochrome()
            } else {
                default.clone()
            };
            let parsed = parse_theme(file, text, &base, &[]);
            set.warnings.extend(parsed.warnings);
            set.insert(parsed.theme);
        }
        if let Some(dir) = user_dir {
            set.load_user_dir(dir);
        }
        let mut mono = Theme::monochrome();
        if set.get(MONOCHROME).is_some() {
            mono.name = format!("{MONOCHROME} (built-in)");
        }
        set.themes.push(mono);
        set
    }

    fn load_user_dir(&mut self, dir: &Path) {
        let shown_dir = || file::quote(&dir.display().to_string());
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            // No theme directory is the normal case.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => {
                self.warnings
                    .push(format!("themes: cannot read {}: {e}", shown_dir()));
                return;
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .take(MAX_USER_THEMES * 4)
            .collect();
        files.sort();
        if files.len() > MAX_USER_THEMES {
            self.warnings.push(format!(
                "themes: {} has more than {MAX_USER_THEMES} theme files; the rest are ignored",
                shown_dir()
            ));
            files.truncate(MAX_USER_THEMES);
        }
        for path in files {
            let label = path.display().to_string();
            match file::read_theme_file(&path) {
                Ok(text) => self.add_user_theme(&label, &text),
                Err(e) => {
                    let label = file::shown(&label, file::MAX_LABEL_CHARS);
                    self.warnings.push(format!("theme {label}: {e}; skipped"));
                }
            }
        }
    }

    /// Parses one user theme and lays it over the set (see [`ThemeSet::load_from`]).
    pub fn add_user_theme(&mut self, label: &str, text: &str) {
        let mut parsed = file::parse(label, text);
        let known = self.names();
        let base = parsed
            .inherits(&known)
            .and_then(|n| self.get(&n))
            .or_else(|| self.get(&parsed.name))
            .unwrap_or_else(|| self.default_theme())
            .clone();
        let (theme, merge) = parsed.over(&base);
        self.warnings.extend(merge.warnings);
        self.insert(theme);
    }

    fn insert(&mut self, theme: Theme) {
        match self.themes.iter_mut().find(|t| t.name == theme.name) {
            Some(slot) => *slot = theme,
            None => self.themes.push(theme),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.name == name)
    }

    /// The default theme (the first; the built-in default if `themes` was emptied).
    pub fn default_theme(&self) -> &Theme {
        self.themes.first().unwrap_or_else(|| builtin_ref())
    }

    /// The theme after `name`, wrapping around; the first if `name` is unknown.
    pub fn next_after(&self, name: &str) -> &Theme {
        let i = self
            .themes
            .iter()
            .position(|t| t.name == name)
            .map_or(0, |i| i + 1);
        self.themes.get(i).unwrap_or_else(|| self.default_theme())
    }

    /// Theme names in cycling order.
    pub fn names(&self) -> Vec<&str> {
        self.themes.iter().map(|t| t.name.as_str()).collect()
    }
}

impl Default for ThemeSet {
    fn default() -> Self {
        ThemeSet::load_from(None, false)
    }
}

/// WCAG 2 relative luminance of an RGB colour (`None` for non-RGB colours).
pub fn relative_luminance(c: Color) -> Option<f64> {
    let Color::Rgb(r, g, b) = c else {
        return None;
    };
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    Some(0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b))
}

/// WCAG 2 contrast ratio of two RGB colours (1.0 to 21.0), `None` unless both are RGB.
pub fn contrast_ratio(a: Color, b: Color) -> Option<f64> {
    let (la, lb) = (relative_luminance(a)?, relative_luminance(b)?);
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}
