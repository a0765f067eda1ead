//! Theme files: the serde-derived file format, its values (colours, modifiers, styles), and
//! the merge of a file over the theme it inherits. A file is untrusted input: every problem
//! becomes a warning naming the file and the key, and the keys that are fine still apply.

use super::{SeverityFile, SyntaxFile, Theme, UiFile, VerdictFile};
use crate::engine::text;
use ratatui::style::{Color, Modifier, Style};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

/// Theme files larger than this are refused.
pub const MAX_THEME_BYTES: u64 = 64 * 1024;
/// Theme names longer than this are cut.
const MAX_NAME_CHARS: usize = 40;
/// File names in warnings are cut to this many characters.
pub(super) const MAX_LABEL_CHARS: usize = 200;
/// Warnings quote user text cut to this many characters.
const MAX_QUOTE_CHARS: usize = 60;

const COLOUR_HELP: &str =
    "expected \"#rrggbb\", \"#rgb\", a colour name like \"red\", an index 0-255 or \"reset\"";
const MODIFIER_HELP: &str = "modifiers are bold, dim, italic, underline, reversed, strikethrough";

/// Shown in warnings: escaped (no control or bidi characters) and cut.
pub(super) fn quote(s: &str) -> String {
    text::truncate(&text::escape(s, false), MAX_QUOTE_CHARS).into_owned()
}

/// A file name or theme name made safe to show, cut to `max` characters.
pub(super) fn shown(s: &str, max: usize) -> String {
    text::truncate(&text::escape(s, false), max).into_owned()
}

/// A value that never fails to deserialize: a bad one keeps the message for its warning, so
/// one bad key cannot take the rest of the file down with it.
#[derive(Debug)]
pub(super) struct Lenient<T>(pub Result<T, String>);

/// Conversion from a TOML value, with a message (without the file and key) when it is wrong.
pub(super) trait FromToml: Sized {
    fn from_toml(v: toml::Value) -> Result<Self, String>;
}

impl<'de, T: FromToml> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        Ok(Lenient(T::from_toml(v)))
    }
}

impl FromToml for String {
    fn from_toml(v: toml::Value) -> Result<Self, String> {
        match v {
            toml::Value::String(s) => Ok(s),
            _ => Err("expected a string".into()),
        }
    }
}

impl FromToml for Color {
    fn from_toml(v: toml::Value) -> Result<Self, String> {
        match v.as_str() {
            Some(s) => {
                parse_color(s).ok_or_else(|| format!("bad colour {:?}; {COLOUR_HELP}", quote(s)))
            }
            None => Err("expected a colour string".into()),
        }
    }
}

impl FromToml for Style {
    fn from_toml(v: toml::Value) -> Result<Self, String> {
        parse_style(&v)
    }
}

/// A section (`[syntax]`, `[ui]`…) must be a table; its keys are then read one by one.
pub(super) fn section_from_toml<T: for<'de> Deserialize<'de>>(v: toml::Value) -> Result<T, String> {
    match v {
        toml::Value::Table(t) => t.try_into().map_err(|e| quote(e.message())),
        _ => Err("must be a table".into()),
    }
}

/// A theme file as written: every key optional.
#[derive(Debug, Default, Deserialize)]
struct ThemeFile {
    name: Option<Lenient<String>>,
    inherits: Option<Lenient<String>>,
    syntax: Option<Lenient<SyntaxFile>>,
    severity: Option<Lenient<SeverityFile>>,
    verdict: Option<Lenient<VerdictFile>>,
    ui: Option<Lenient<UiFile>>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

/// What a merge reports: warnings (prefixed with the file) and the keys the file left unset.
pub(super) struct Merge {
    label: String,
    pub warnings: Vec<String>,
    pub unset: Vec<String>,
}

impl Merge {
    fn warn(&mut self, msg: impl std::fmt::Display) {
        self.warnings.push(format!("theme {}: {msg}", self.label));
    }

    pub(super) fn bad(&mut self, section: &str, key: &str, msg: &str) {
        self.warn(format_args!("[{section}] {}: {msg}", quote(key)));
    }

    pub(super) fn unknown(&mut self, section: &str, key: &str, known: &[&str]) {
        self.warn(format_args!(
            "[{section}] {}: unknown key (known: {})",
            quote(key),
            known.join(", ")
        ));
    }

    pub(super) fn unset(&mut self, section: &str, key: &str) {
        self.unset.push(format!("{section}.{key}"));
    }

    fn unset_all(&mut self, section: &str, keys: &[&str]) {
        for k in keys {
            self.unset(section, k);
        }
    }
}

/// A parsed theme file, not yet laid over a theme.
pub(super) struct Parsed {
    file: ThemeFile,
    merge: Merge,
    /// The name from the file, else its stem.
    pub name: String,
}

/// Parses a theme file's text. `label` names the file in warnings.
pub(super) fn parse(label: &str, text: &str) -> Parsed {
    let stem = Path::new(label)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut merge = Merge {
        label: shown(label, MAX_LABEL_CHARS),
        warnings: Vec::new(),
        unset: Vec::new(),
    };
    let mut file = match toml::from_str::<ThemeFile>(text) {
        Ok(f) => f,
        Err(e) => {
            let at = e
                .span()
                .map(|s| {
                    let line = text.get(..s.start).map_or(0, |p| p.matches('\n').count()) + 1;
                    format!(" at line {line}")
                })
                .unwrap_or_default();
            merge.warn(format_args!(
                "invalid TOML{at}: {}",
                quote(e.message().trim())
            ));
            ThemeFile::default()
        }
    };
    let name = match file.name.take() {
        None => stem,
        Some(Lenient(Ok(n))) if !n.trim().is_empty() => n.trim().to_string(),
        Some(_) => {
            merge.warn("name: expected a non-empty string");
            stem
        }
    };
    Parsed {
        file,
        merge,
        name: shown(&name, MAX_NAME_CHARS),
    }
}

impl Parsed {
    /// The theme the file names in `inherits`, if it is one of `known`; a warning otherwise.
    pub(super) fn inherits(&mut self, known: &[&str]) -> Option<String> {
        match self.file.inherits.take()?.0 {
            Ok(n) if known.contains(&n.as_str()) => Some(n),
            Ok(n) => {
                self.merge.warn(format_args!(
                    "inherits: no theme named {:?}; using the defaults",
                    quote(&n)
                ));
                None
            }
            Err(_) => {
                self.merge.warn("inherits: expected a string");
                None
            }
        }
    }

    /// Lays the file over `base`: the keys it sets replace the base's, the rest stay.
    pub(super) fn over(self, base: &Theme) -> (Theme, Merge) {
        let Parsed {
            file,
            mut merge,
            name,
        } = self;
        let mut theme = base.clone();
        theme.monochrome = false;
        theme.name = name;
        for key in file.unknown.keys() {
            merge.warn(format_args!(
                "unknown key {:?} (expected name, inherits, [syntax], [severity], [verdict], [ui])",
                quote(key)
            ));
        }
        section(file.syntax, "syntax", &mut merge, |f, m| {
            f.merge(&mut theme.syntax, m)
        });
        section(file.severity, "severity", &mut merge, |f, m| {
            f.merge(&mut theme.severity, m)
        });
        section(file.verdict, "verdict", &mut merge, |f, m| {
            f.merge(&mut theme.verdict, m)
        });
        section(file.ui, "ui", &mut merge, |f, m| f.merge(&mut theme.ui, m));
        (theme, merge)
    }
}

/// The keys of a section type, for the "unset" list of a missing or broken section.
pub(super) trait SectionKeys {
    const KEYS: &'static [&'static str];
}

fn section<F: SectionKeys>(
    value: Option<Lenient<F>>,
    name: &str,
    merge: &mut Merge,
    apply: impl FnOnce(F, &mut Merge),
) {
    match value {
        Some(Lenient(Ok(f))) => apply(f, merge),
        Some(Lenient(Err(e))) => {
            merge.warn(format_args!("[{name}] {e}"));
            merge.unset_all(name, F::KEYS);
        }
        None => merge.unset_all(name, F::KEYS),
    }
}

pub(super) fn parse_color(s: &str) -> Option<Color> {
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

/// Parses a style value: `"colour [modifier…]"` or `{ fg, bg, modifiers = [...] }`.
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
                            match m.as_str().and_then(parse_modifier) {
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

/// Reads a theme file: at most [`MAX_THEME_BYTES`], UTF-8, a regular file.
pub(super) fn read_theme_file(path: &Path) -> Result<String, String> {
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
