//! A buffer's run settings (executor, limits, profile, `input`) and where they are kept.
//!
//! Where a buffer's settings come from, in order: what the user set for it in this session;
//! for a file, what was saved for it (`DATA/settings/NAME-HASH.json`, written whenever the
//! user changes them and when the file is saved); its `// run-options:` header, parsed by the
//! CLI's own parser ([`crate::cli::run::header_options`]); the defaults. Workbench-wide
//! preferences (the theme) are in `DATA/workbench.json`.

use crate::engine::exec::{ExecRequest, MAX_INPUT_BYTES};
use crate::engine::policy::manifest::{permissions_for, Overrides};
use crate::engine::policy::{Limits, Profile};
use crate::engine::text;
use crate::tui::recovery::Origin;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Version of the settings format.
pub const FORMAT: u32 = 1;
/// Largest settings file read (an `input` can be large).
const MAX_SETTINGS_BYTES: usize = MAX_INPUT_BYTES + 64 * 1024;

/// The JSON given to a run as its frozen global `input`: the text as the user wrote it, and
/// the value it parses to.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInput {
    pub text: String,
    pub value: serde_json::Value,
}

/// What is wrong with an `input` text: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// 1-based line and column, when the JSON parser knows them.
    pub at: Option<(usize, usize)>,
    pub message: String,
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.at {
            Some((l, c)) => write!(f, "line {l}, column {c}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl RunInput {
    /// Checks `text` as a run would: JSON, within the request's depth and size bounds. Empty
    /// (or only whitespace) means no `input` at all.
    pub fn parse(text: &str) -> Result<Option<RunInput>, InputProblem> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        if text.len() > MAX_INPUT_BYTES {
            return Err(InputProblem {
                at: None,
                message: format!("over {MAX_INPUT_BYTES} bytes"),
            });
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            // serde_json's message ends with " at line L column C"; the position is shown apart.
            let msg = e.to_string();
            let mut message = msg
                .rsplit_once(" at line ")
                .map_or(msg.as_str(), |(m, _)| m)
                .to_string();
            // serde_json stops at 128 levels with its own words; say it as the engine does.
            if message == "recursion limit exceeded" {
                message = format!(
                    "input is nested deeper than {} levels",
                    crate::engine::exec::MAX_INPUT_DEPTH
                );
            }
            InputProblem {
                at: (e.line() > 0).then(|| (e.line(), e.column())),
                message,
            }
        })?;
        let mut probe = ExecRequest::new("");
        probe.input = Some(value);
        probe.validate().map_err(|e| InputProblem {
            at: None,
            message: e.to_string(),
        })?;
        Ok(probe.input.map(|value| RunInput {
            text: text.to_string(),
            value,
        }))
    }

    /// A one-line description: `object · 2 keys · 120 bytes`.
    pub fn summary(&self) -> String {
        let kind = match &self.value {
            serde_json::Value::Object(m) => {
                format!("object · {} key{}", m.len(), plural(m.len()))
            }
            serde_json::Value::Array(a) => {
                format!("array · {} item{}", a.len(), plural(a.len()))
            }
            serde_json::Value::String(_) => "string".to_string(),
            serde_json::Value::Number(_) => "number".to_string(),
            serde_json::Value::Bool(_) => "boolean".to_string(),
            serde_json::Value::Null => "null".to_string(),
        };
        format!("{kind} · {} bytes", self.text.len())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Everything a run of a buffer is configured with.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// `auto` or an executor name.
    pub executor: String,
    pub limits: Limits,
    pub profile: Profile,
    pub input: Option<RunInput>,
    /// Grants laid over the plugin's manifest, as `--allow-*` / `--deny-all` would be: from
    /// the header's run-options, or edited in the Permissions panel.
    pub grants: Overrides,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            executor: "auto".to_string(),
            limits: Limits::default(),
            profile: Profile::default(),
            input: None,
            grants: Overrides::default(),
        }
    }
}

/// Where a buffer's settings came from (shown in the executor selector).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsSource {
    Defaults,
    /// The script's `// run-options:` header.
    Header,
    /// Saved for this file.
    Saved,
    /// Set in this session.
    Session,
}

impl SettingsSource {
    pub fn describe(self) -> &'static str {
        match self {
            SettingsSource::Defaults => "defaults",
            SettingsSource::Header => "from the script's run-options header",
            SettingsSource::Saved => "saved for this file",
            SettingsSource::Session => "set in this session",
        }
    }
}

impl RunSettings {
    /// The settings of a `// run-options:` header of `source`, if it has one: parsed by the
    /// CLI's parser. `Err` says why a header was not used.
    pub fn from_header(source: &str) -> Option<Result<RunSettings, String>> {
        let words = crate::samples::header_value(source, "run-options")?;
        Some(crate::cli::run::header_options(words).map(|h| RunSettings {
            executor: h.executor,
            limits: h.config.limits,
            profile: h.config.profile,
            input: h.config.input.map(|value| RunInput {
                text: serde_json::to_string_pretty(&value).unwrap_or_default(),
                value,
            }),
            grants: h.config.grants.overrides().clone(),
        }))
    }

    pub fn to_saved(&self, path: &Path) -> SavedSettings {
        SavedSettings {
            v: FORMAT,
            path: path.to_path_buf(),
            executor: self.executor.clone(),
            timeout_ms: self.limits.timeout_ms,
            wall_timeout_ms: self.limits.wall_timeout_ms,
            memory_mb: self.limits.memory_mb,
            stack_kb: self.limits.stack_kb,
            profile: self.profile,
            input: self.input.as_ref().map(|i| i.text.clone()),
            grants: (self.grants != Overrides::default()).then(|| self.grants.clone()),
        }
    }
}

/// The grants of a file's settings as stored (the Permissions panel's edits): the
/// overrides themselves.
pub type SavedGrants = Overrides;

/// A file's run settings as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSettings {
    pub v: u32,
    /// The file they belong to (checked on reading: a hash collision is another file).
    pub path: PathBuf,
    pub executor: String,
    pub timeout_ms: u64,
    pub wall_timeout_ms: u64,
    pub memory_mb: u64,
    pub stack_kb: u64,
    pub profile: Profile,
    #[serde(default)]
    pub input: Option<String>,
    /// Grants set in the Permissions panel (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grants: Option<SavedGrants>,
}

impl SavedSettings {
    /// Checked as the command line would be: limits in range, `input` valid. A bad file
    /// (edited by hand, from a newer version) is an error, never half applied.
    pub fn to_settings(&self) -> Result<RunSettings, String> {
        let limits = Limits {
            timeout_ms: self.timeout_ms,
            wall_timeout_ms: self.wall_timeout_ms,
            memory_mb: self.memory_mb,
            stack_kb: self.stack_kb,
            ..Limits::default()
        };
        limits.validate().map_err(|e| e.to_string())?;
        let input = match &self.input {
            Some(t) => RunInput::parse(t).map_err(|e| format!("input: {e}"))?,
            None => None,
        };
        let executor = text::truncate(&text::escape(&self.executor, false), 40).into_owned();
        let grants = self.grants.clone().unwrap_or_default();
        // As the command line checks its flags (a directory that is gone is refused when
        // the run starts, by the broker, and shown in the Permissions panel).
        permissions_for(None, &grants)
            .validate()
            .map_err(|e| format!("grants: {e}"))?;
        Ok(RunSettings {
            executor,
            limits,
            profile: self.profile,
            input,
            grants,
        })
    }
}

fn settings_file(data: &Path, path: &Path) -> PathBuf {
    let origin = Origin::File {
        path: path.to_path_buf(),
    };
    data.join("settings")
        .join(format!("{}.json", origin.key_prefix()))
}

/// The settings saved for the file `path`: `None` when there are none.
pub fn read(data: &Path, path: &Path) -> Option<Result<SavedSettings, String>> {
    let f = settings_file(data, path);
    if !f.exists() {
        return None;
    }
    let parsed = crate::files::read_source(&f, MAX_SETTINGS_BYTES)
        .map_err(|e| e.to_string())
        .and_then(|t| {
            serde_json::from_str::<SavedSettings>(&t).map_err(|e| format!("{}: {e}", f.display()))
        });
    match parsed {
        Ok(s) if s.path != path => None,
        Ok(s) if s.v > FORMAT => Some(Err(format!(
            "{}: written by a newer version (format {})",
            f.display(),
            s.v
        ))),
        other => Some(other),
    }
}

/// Saves `s` for its file.
pub fn write(data: &Path, s: &SavedSettings) -> Result<(), String> {
    let f = settings_file(data, &s.path);
    let json = serde_json::to_vec_pretty(s).map_err(|e| e.to_string())?;
    crate::tui::effects::write_atomic(&f, &json).map_err(|e| format!("{}: {e}", f.display()))
}

/// Workbench-wide preferences.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkbenchState {
    #[serde(default)]
    pub theme: Option<String>,
}

fn state_file(data: &Path) -> PathBuf {
    data.join("workbench.json")
}

/// The saved preferences (defaults when there are none or the file is unreadable).
pub fn read_state(data: &Path) -> WorkbenchState {
    crate::files::read_source(&state_file(data), 64 * 1024)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

pub fn write_state(data: &Path, state: &WorkbenchState) -> Result<(), String> {
    let f = state_file(data);
    let json = serde_json::to_vec_pretty(state).map_err(|e| e.to_string())?;
    crate::tui::effects::write_atomic(&f, &json).map_err(|e| format!("{}: {e}", f.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_checked_as_a_run_would_and_says_where() {
        assert_eq!(RunInput::parse("  \n"), Ok(None));
        let ok = RunInput::parse("{\"a\": [1, 2]}")
            .expect("valid")
            .expect("some");
        assert_eq!(ok.value, serde_json::json!({"a": [1, 2]}));
        assert_eq!(ok.summary(), "object · 1 key · 13 bytes");
        let bad = RunInput::parse("{\n  \"a\": 1,\n}").expect_err("trailing comma");
        assert_eq!(bad.at, Some((3, 1)), "{bad}");
        assert!(bad.message.contains("trailing comma"), "{bad}");
        // Too deep for the engine (126) but not for serde_json (128), and too deep for both.
        for n in [127, 200] {
            let deep = format!("{}{}", "[".repeat(n), "]".repeat(n));
            let e = RunInput::parse(&deep).expect_err("too deep");
            assert!(e.to_string().contains("nested deeper than 126"), "{n}: {e}");
        }
    }

    #[test]
    fn a_header_is_read_by_the_clis_parser() {
        let s = RunSettings::from_header("// run-options: --memory 16 --timeout 1000\n1")
            .expect("header")
            .expect("valid");
        // `--timeout` does not reset the memory limit (the old second parser did).
        assert_eq!(s.limits.memory_mb, 16);
        assert_eq!(s.limits.timeout_ms, 1000);
        assert_eq!(s.limits.wall_timeout_ms, 2000);
        let s = RunSettings::from_header("// run-options: --input {\"a\":1} --profile lab\n")
            .expect("header")
            .expect("valid");
        assert_eq!(s.input.expect("input").value, serde_json::json!({"a": 1}));
        assert_eq!(s.profile, Profile::Lab);
        let bad = RunSettings::from_header("// run-options: --memory 9999\n").expect("header");
        assert!(bad.expect_err("out of range").contains("memory"));
        let bad =
            RunSettings::from_header("// run-options: --input-file /etc/passwd\n").expect("header");
        assert!(bad.expect_err("no files").contains("--input-file"));
        assert!(RunSettings::from_header("1 + 1").is_none());
    }

    #[test]
    fn saved_settings_round_trip_and_refuse_bad_values() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.js");
        let mut s = RunSettings::default();
        s.limits.memory_mb = 64;
        s.input = RunInput::parse("[1]").expect("ok");
        let saved = s.to_saved(&path);
        write(dir.path(), &saved).expect("write");
        let back = read(dir.path(), &path).expect("some").expect("ok");
        assert_eq!(back.to_settings().expect("valid"), s);
        assert!(read(dir.path(), &dir.path().join("b.js")).is_none());
        let mut bad = saved.clone();
        bad.memory_mb = 100_000;
        assert!(bad.to_settings().is_err());
        // Preferences.
        assert_eq!(read_state(dir.path()), WorkbenchState::default());
        let st = WorkbenchState {
            theme: Some("light".into()),
        };
        write_state(dir.path(), &st).expect("write");
        assert_eq!(read_state(dir.path()), st);
    }
}
