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
//! `NO_COLOR` (set and non-empty) replaces every theme by [`Theme::monochrome`].

use crate::engine::lexer::TokenKind;
use crate::engine::scan::{Severity, Verdict};
use crate::engine::text;
use ratatui::style::{Color, Modifier, Style};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

/// Theme files larger than this are refused.
pub const MAX_THEME_BYTES: u64 = 64 * 1024;
/// At most this many user theme files are read.
pub const MAX_USER_THEMES: usize = 64;
/// Theme names longer than this are cut.
const MAX_NAME_CHARS: usize = 40;
/// File names in warnings are cut to this many characters.
const MAX_LABEL_CHARS: usize = 200;
/// Warnings quote user text cut to this many characters.
const MAX_QUOTE_CHARS: usize = 60;

/// The built-in themes: (file name, contents). The first is the default.
pub const BUILTIN_THEMES: &[(&str, &str)] = &[
    ("default.toml", include_str!("../../themes/default.toml")),
    ("light.toml", include_str!("../../themes/light.toml")),
    (
        "high-contrast.toml",
        include_str!("../../themes/high-contrast.toml"),
    ),
    (
        "catppuccin-mocha.toml",
        include_str!("../../themes/catppuccin-mocha.toml"),
    ),
    (
        "gruvbox-dark.toml",
        include_str!("../../themes/gruvbox-dark.toml"),
    ),
];

/// Name of the theme used when `NO_COLOR` is set.
pub const MONOCHROME: &str = "monochrome";

/// Style per token kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxStyles {
    pub keyword: Style,
    pub identifier: Style,
    pub builtin: Style,
    pub number: Style,
    pub string: Style,
    pub template: Style,
    pub regex: Style,
    pub comment: Style,
    pub operator: Style,
    pub punctuation: Style,
    pub whitespace: Style,
    pub invalid: Style,
}

/// Style per finding severity (gutter markers; underline colour for spans).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityStyles {
    pub info: Style,
    pub low: Style,
    pub medium: Style,
    pub high: Style,
    pub critical: Style,
}

/// Style per scan verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictStyles {
    pub allow: Style,
    pub review: Style,
    pub block: Style,
}

/// The UI palette. Prefer the [`Theme`] helpers (`base`, `border`, `selection`…), which also
/// add the modifiers that stand in for colour in the monochrome theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiColors {
    pub background: Color,
    pub foreground: Color,
    pub border: Color,
    pub border_focused: Color,
    pub title: Color,
    pub accent: Color,
    /// Background of selected text and the selected list row.
    pub selection: Color,
    /// Background of the cursor's line in the editor.
    pub cursor_line: Color,
    pub line_number: Color,
    pub line_number_active: Color,
    /// Background of the editor gutter.
    pub gutter: Color,
    /// Status bar background and text.
    pub status_bar: Color,
    pub status_bar_text: Color,
    /// Background of overlays (help, prompts, pickers).
    pub popup: Color,
    pub dim: Color,
    pub error: Color,
    pub warning: Color,
    pub ok: Color,
    pub graph_memory: Color,
    pub graph_cpu: Color,
    pub graph_limit: Color,
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

/// The TOML sections and their keys, in file order.
pub const SYNTAX_KEYS: [&str; 12] = [
    "keyword",
    "identifier",
    "builtin",
    "number",
    "string",
    "template",
    "regex",
    "comment",
    "operator",
    "punctuation",
    "whitespace",
    "invalid",
];
pub const SEVERITY_KEYS: [&str; 5] = ["info", "low", "medium", "high", "critical"];
pub const VERDICT_KEYS: [&str; 3] = ["allow", "review", "block"];
pub const UI_KEYS: [&str; 21] = [
    "background",
    "foreground",
    "border",
    "border_focused",
    "title",
    "accent",
    "selection",
    "cursor_line",
    "line_number",
    "line_number_active",
    "gutter",
    "status_bar",
    "status_bar_text",
    "popup",
    "dim",
    "error",
    "warning",
    "ok",
    "graph_memory",
    "graph_cpu",
    "graph_limit",
];

impl SyntaxStyles {
    fn slot(&mut self, key: &str) -> Option<&mut Style> {
        Some(match key {
            "keyword" => &mut self.keyword,
            "identifier" => &mut self.identifier,
            "builtin" => &mut self.builtin,
            "number" => &mut self.number,
            "string" => &mut self.string,
            "template" => &mut self.template,
            "regex" => &mut self.regex,
            "comment" => &mut self.comment,
            "operator" => &mut self.operator,
            "punctuation" => &mut self.punctuation,
            "whitespace" => &mut self.whitespace,
            "invalid" => &mut self.invalid,
            _ => return None,
        })
    }
}

impl SeverityStyles {
    fn slot(&mut self, key: &str) -> Option<&mut Style> {
        Some(match key {
            "info" => &mut self.info,
            "low" => &mut self.low,
            "medium" => &mut self.medium,
            "high" => &mut self.high,
            "critical" => &mut self.critical,
            _ => return None,
        })
    }
}

impl VerdictStyles {
    fn slot(&mut self, key: &str) -> Option<&mut Style> {
        Some(match key {
            "allow" => &mut self.allow,
            "review" => &mut self.review,
            "block" => &mut self.block,
            _ => return None,
        })
    }
}

impl UiColors {
    fn slot(&mut self, key: &str) -> Option<&mut Color> {
        Some(match key {
            "background" => &mut self.background,
            "foreground" => &mut self.foreground,
            "border" => &mut self.border,
            "border_focused" => &mut self.border_focused,
            "title" => &mut self.title,
            "accent" => &mut self.accent,
            "selection" => &mut self.selection,
            "cursor_line" => &mut self.cursor_line,
            "line_number" => &mut self.line_number,
            "line_number_active" => &mut self.line_number_active,
            "gutter" => &mut self.gutter,
            "status_bar" => &mut self.status_bar,
            "status_bar_text" => &mut self.status_bar_text,
            "popup" => &mut self.popup,
            "dim" => &mut self.dim,
            "error" => &mut self.error,
            "warning" => &mut self.warning,
            "ok" => &mut self.ok,
            "graph_memory" => &mut self.graph_memory,
            "graph_cpu" => &mut self.graph_cpu,
            "graph_limit" => &mut self.graph_limit,
            _ => return None,
        })
    }

    /// Every colour with its key, in [`UI_KEYS`] order.
    pub fn entries(&self) -> [(&'static str, Color); 21] {
        [
            ("background", self.background),
            ("foreground", self.foreground),
            ("border", self.border),
            ("border_focused", self.border_focused),
            ("title", self.title),
            ("accent", self.accent),
            ("selection", self.selection),
            ("cursor_line", self.cursor_line),
            ("line_number", self.line_number),
            ("line_number_active", self.line_number_active),
            ("gutter", self.gutter),
            ("status_bar", self.status_bar),
            ("status_bar_text", self.status_bar_text),
            ("popup", self.popup),
            ("dim", self.dim),
            ("error", self.error),
            ("warning", self.warning),
            ("ok", self.ok),
            ("graph_memory", self.graph_memory),
            ("graph_cpu", self.graph_cpu),
            ("graph_limit", self.graph_limit),
        ]
    }
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
        let r = Color::Reset;
        Theme {
            name: MONOCHROME.to_string(),
            syntax: SyntaxStyles {
                keyword: bold,
                identifier: plain,
                builtin: bold.add_modifier(Modifier::ITALIC),
                number: plain,
                string: italic,
                template: italic,
                regex: italic,
                comment: dim,
                operator: plain,
                punctuation: plain,
                whitespace: plain,
                invalid: Style::new().add_modifier(Modifier::REVERSED),
            },
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
            ui: UiColors {
                background: r,
                foreground: r,
                border: r,
                border_focused: r,
                title: r,
                accent: r,
                selection: r,
                cursor_line: r,
                line_number: r,
                line_number_active: r,
                gutter: r,
                status_bar: r,
                status_bar_text: r,
                popup: r,
                dim: r,
                error: r,
                warning: r,
                ok: r,
                graph_memory: r,
                graph_cpu: r,
                graph_limit: r,
            },
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
        let mut t = self.clone();
        let mut out = Vec::with_capacity(20);
        for k in SYNTAX_KEYS {
            if let Some(s) = t.syntax.slot(k) {
                out.push((format!("syntax.{k}"), *s));
            }
        }
        for k in SEVERITY_KEYS {
            if let Some(s) = t.severity.slot(k) {
                out.push((format!("severity.{k}"), *s));
            }
        }
        for k in VERDICT_KEYS {
            if let Some(s) = t.verdict.slot(k) {
                out.push((format!("verdict.{k}"), *s));
            }
        }
        out
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

/// Shown in warnings: escaped (no control or bidi characters) and cut.
fn quote(s: &str) -> String {
    text::truncate(&text::escape(s, false), MAX_QUOTE_CHARS).into_owned()
}

fn parse_color(s: &str) -> Option<Color> {
    let s = s.trim();
    match s.to_ascii_lowercase().as_str() {
        "none" | "default" => return Some(Color::Reset),
        _ => {}
    }
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() == 3 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let d = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok().map(|v| v * 17);
            return Some(Color::Rgb(d(0)?, d(1)?, d(2)?));
        }
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
    }
    Color::from_str(s).ok()
}

fn parse_modifier(s: &str) -> Option<Modifier> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underline" | "underlined" => Modifier::UNDERLINED,
        "reverse" | "reversed" => Modifier::REVERSED,
        "strikethrough" | "crossed_out" | "crossed-out" => Modifier::CROSSED_OUT,
        _ => return None,
    })
}

const COLOUR_HELP: &str =
    "expected \"#rrggbb\", \"#rgb\", a colour name like \"red\", an index 0-255 or \"reset\"";
const MODIFIER_HELP: &str = "modifiers are bold, dim, italic, underline, reversed, strikethrough";

/// Parses a style value: `"colour [modifier…]"` or `{ fg, bg, modifiers = [...] }`. Errors
/// are messages without the file/key prefix.
fn parse_style(v: &toml::Value) -> Result<Style, String> {
    match v {
        toml::Value::String(s) => {
            let mut words = s.split_whitespace();
            let Some(first) = words.next() else {
                return Err(format!("empty style; {COLOUR_HELP}"));
            };
            let mut style = Style::new();
            match parse_color(first) {
                Some(c) => style = style.fg(c),
                None => match parse_modifier(first) {
                    Some(m) => style = style.add_modifier(m),
                    None => return Err(format!("bad colour {:?}; {COLOUR_HELP}", quote(first))),
                },
            }
            for w in words {
                match parse_modifier(w) {
                    Some(m) => style = style.add_modifier(m),
                    None => return Err(format!("bad modifier {:?}; {MODIFIER_HELP}", quote(w))),
                }
            }
            Ok(style)
        }
        toml::Value::Table(t) => {
            let mut style = Style::new();
            for (k, v) in t {
                match (k.as_str(), v) {
                    ("fg", toml::Value::String(s)) => match parse_color(s) {
                        Some(c) => style = style.fg(c),
                        None => return Err(format!("bad fg colour {:?}; {COLOUR_HELP}", quote(s))),
                    },
                    ("bg", toml::Value::String(s)) => match parse_color(s) {
                        Some(c) => style = style.bg(c),
                        None => return Err(format!("bad bg colour {:?}; {COLOUR_HELP}", quote(s))),
                    },
                    ("modifiers", toml::Value::Array(a)) => {
                        for m in a {
                            let parsed = m.as_str().and_then(parse_modifier);
                            match parsed {
                                Some(m) => style = style.add_modifier(m),
                                None => {
                                    return Err(format!(
                                        "bad modifier {}; {MODIFIER_HELP}",
                                        quote(&m.to_string())
                                    ))
                                }
                            }
                        }
                    }
                    ("fg" | "bg" | "modifiers", _) => {
                        return Err(format!("{} has the wrong type", quote(k)))
                    }
                    _ => {
                        return Err(format!(
                            "unknown field {:?} (fields are fg, bg, modifiers)",
                            quote(k)
                        ))
                    }
                }
            }
            Ok(style)
        }
        other => Err(format!(
            "expected a string or a table, found {}",
            other.type_str()
        )),
    }
}

/// Parses a theme file's text. Keys the file does not set come from `base`. `label` names the
/// file in warnings. `known` lists the theme names `inherits` may refer to; the caller
/// resolves it (this function only reports it in [`ParsedTheme::inherits`]).
pub fn parse_theme(label: &str, text: &str, base: &Theme, known: &[&str]) -> ParsedTheme {
    let stem = Path::new(label)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let label = text::truncate(&text::escape(label, false), MAX_LABEL_CHARS).into_owned();
    let mut theme = base.clone();
    theme.monochrome = false;
    theme.name = text::truncate(&text::escape(&stem, false), MAX_NAME_CHARS).into_owned();
    let mut warnings = Vec::new();
    let mut unset = Vec::new();
    let mut inherits = None;

    let table = match text.parse::<toml::Table>() {
        Ok(t) => t,
        Err(e) => {
            let at = e
                .span()
                .map(|s| {
                    let line = text.get(..s.start).map_or(0, |p| p.matches('\n').count()) + 1;
                    format!(" at line {line}")
                })
                .unwrap_or_default();
            warnings.push(format!(
                "theme {label}: invalid TOML{at}: {}",
                quote(e.message().trim())
            ));
            for (section, keys) in all_keys() {
                unset.extend(keys.iter().map(|k| format!("{section}.{k}")));
            }
            return ParsedTheme {
                theme,
                warnings,
                unset,
                inherits,
            };
        }
    };

    let mut seen_sections = Vec::new();
    for (key, value) in &table {
        match key.as_str() {
            "name" => match value.as_str().map(str::trim) {
                Some(n) if !n.is_empty() => {
                    theme.name = text::truncate(&text::escape(n, false), MAX_NAME_CHARS)
                        .into_owned();
                }
                _ => warnings.push(format!("theme {label}: name: expected a non-empty string")),
            },
            "inherits" => match value.as_str() {
                Some(n) if known.contains(&n) => inherits = Some(n.to_string()),
                Some(n) => warnings.push(format!(
                    "theme {label}: inherits: no theme named {:?}; using the defaults",
                    quote(n)
                )),
                None => warnings.push(format!("theme {label}: inherits: expected a string")),
            },
            "syntax" | "severity" | "verdict" | "ui" => {
                seen_sections.push(key.as_str());
                let Some(section) = value.as_table() else {
                    warnings.push(format!("theme {label}: [{key}] must be a table"));
                    continue;
                };
                parse_section(&label, key, section, &mut theme, &mut warnings);
            }
            other => warnings.push(format!(
                "theme {label}: unknown key {:?} (expected name, inherits, [syntax], [severity], [verdict], [ui])",
                quote(other)
            )),
        }
    }
    for (section, keys) in all_keys() {
        let set = table.get(section).and_then(|v| v.as_table());
        for k in keys {
            if !set.is_some_and(|t| t.contains_key(*k)) {
                unset.push(format!("{section}.{k}"));
            }
        }
    }
    ParsedTheme {
        theme,
        warnings,
        unset,
        inherits,
    }
}

fn all_keys() -> [(&'static str, &'static [&'static str]); 4] {
    [
        ("syntax", &SYNTAX_KEYS),
        ("severity", &SEVERITY_KEYS),
        ("verdict", &VERDICT_KEYS),
        ("ui", &UI_KEYS),
    ]
}

fn parse_section(
    label: &str,
    section: &str,
    table: &toml::Table,
    theme: &mut Theme,
    warnings: &mut Vec<String>,
) {
    for (key, value) in table {
        let at = format!("theme {label}: [{section}] {}", quote(key));
        if section == "ui" {
            let Some(slot) = theme.ui.slot(key) else {
                warnings.push(format!("{at}: unknown key (known: {})", UI_KEYS.join(", ")));
                continue;
            };
            match value.as_str().map(|s| (s, parse_color(s))) {
                Some((_, Some(c))) => *slot = c,
                Some((s, None)) => {
                    warnings.push(format!("{at}: bad colour {:?}; {COLOUR_HELP}", quote(s)))
                }
                None => warnings.push(format!("{at}: expected a colour string")),
            }
            continue;
        }
        let slot = match section {
            "syntax" => theme.syntax.slot(key),
            "severity" => theme.severity.slot(key),
            _ => theme.verdict.slot(key),
        };
        let Some(slot) = slot else {
            let known = match section {
                "syntax" => SYNTAX_KEYS.join(", "),
                "severity" => SEVERITY_KEYS.join(", "),
                _ => VERDICT_KEYS.join(", "),
            };
            warnings.push(format!("{at}: unknown key (known: {known})"));
            continue;
        };
        match parse_style(value) {
            Ok(s) => *slot = s,
            Err(e) => warnings.push(format!("{at}: {e}")),
        }
    }
}

/// Reads a theme file: at most [`MAX_THEME_BYTES`], UTF-8, a regular file.
fn read_theme_file(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    if meta.len() > MAX_THEME_BYTES {
        return Err(format!(
            "file is {} bytes, more than the {MAX_THEME_BYTES}-byte limit",
            meta.len()
        ));
    }
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    f.take(MAX_THEME_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_THEME_BYTES {
        return Err(format!("file grew past the {MAX_THEME_BYTES}-byte limit"));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The loaded themes: never empty; the first is the default.
#[derive(Debug, Clone)]
pub struct ThemeSet {
    pub themes: Vec<Theme>,
    /// One line per problem with a built-in or user theme file, for the status bar.
    pub warnings: Vec<String>,
}

impl ThemeSet {
    /// Built-in themes plus user themes from `<config dir>/themes/*.toml`; `NO_COLOR` (set
    /// and non-empty) gives only the monochrome theme.
    pub fn load() -> ThemeSet {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dir = user_theme_dir();
        ThemeSet::load_from(dir.as_deref(), no_color)
    }

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
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            // No theme directory is the normal case.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => {
                self.warnings.push(format!(
                    "themes: cannot read {}: {e}",
                    quote(&dir.display().to_string())
                ));
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
                quote(&dir.display().to_string())
            ));
            files.truncate(MAX_USER_THEMES);
        }
        for path in files {
            let label = path.display().to_string();
            let text = match read_theme_file(&path) {
                Ok(t) => t,
                Err(e) => {
                    let shown =
                        text::truncate(&text::escape(&label, false), MAX_LABEL_CHARS).into_owned();
                    self.warnings.push(format!("theme {shown}: {e}; skipped"));
                    continue;
                }
            };
            self.add_user_theme(&label, &text);
        }
    }

    /// Parses one user theme and lays it over the set (see [`ThemeSet::load_from`]).
    pub fn add_user_theme(&mut self, label: &str, text: &str) {
        let names: Vec<String> = self.themes.iter().map(|t| t.name.clone()).collect();
        let known: Vec<&str> = names.iter().map(String::as_str).collect();
        // First pass to learn the name and `inherits`; then parse over the right base.
        let probe = parse_theme(label, text, &Theme::monochrome(), &known);
        let base = probe
            .inherits
            .as_deref()
            .and_then(|n| self.get(n))
            .or_else(|| self.get(&probe.theme.name))
            .cloned()
            .unwrap_or_else(|| self.themes.first().cloned().unwrap_or_else(Theme::builtin));
        let parsed = parse_theme(label, text, &base, &known);
        self.warnings.extend(parsed.warnings);
        self.insert(parsed.theme);
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

/// `<config dir>/themes`, if the platform has a config directory.
pub fn user_theme_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "sandbench").map(|d| d.config_dir().join("themes"))
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
