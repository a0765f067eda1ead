//! Limits and permissions for a run, with their bounds. Out-of-range values are errors, never
//! silent clamps.

use serde::{Deserialize, Serialize};

pub const DEFAULT_TIMEOUT_MS: u64 = 5_000;
pub const MAX_TIMEOUT_MS: u64 = 30_000;
pub const MIN_TIMEOUT_MS: u64 = 1;
/// The wall timeout defaults to this multiple of the CPU timeout.
pub const WALL_TIMEOUT_FACTOR: u64 = 2;
pub const MAX_WALL_TIMEOUT_MS: u64 = MAX_TIMEOUT_MS * WALL_TIMEOUT_FACTOR;
pub const DEFAULT_MEMORY_MB: u64 = 128;
pub const MIN_MEMORY_MB: u64 = 1;
pub const MAX_MEMORY_MB: u64 = 512;
pub const DEFAULT_STACK_KB: u64 = 512;
pub const MIN_STACK_KB: u64 = 16;
pub const MAX_STACK_KB: u64 = 8 * 1024;
/// Largest accepted source, in bytes.
pub const MAX_CODE_BYTES: usize = 100 * 1024;
pub const DEFAULT_CONSOLE_MAX_BYTES: usize = 1024 * 1024;
pub const DEFAULT_CONSOLE_MAX_LINES: usize = 10_000;

/// Resource limits of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// CPU budget of the script, in milliseconds.
    pub timeout_ms: u64,
    /// Hard wall-clock deadline, in milliseconds (default: 2 × `timeout_ms`).
    pub wall_timeout_ms: u64,
    pub memory_mb: u64,
    pub stack_kb: u64,
    pub console_max_bytes: usize,
    pub console_max_lines: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout_ms: DEFAULT_TIMEOUT_MS,
            wall_timeout_ms: DEFAULT_TIMEOUT_MS * WALL_TIMEOUT_FACTOR,
            memory_mb: DEFAULT_MEMORY_MB,
            stack_kb: DEFAULT_STACK_KB,
            console_max_bytes: DEFAULT_CONSOLE_MAX_BYTES,
            console_max_lines: DEFAULT_CONSOLE_MAX_LINES,
        }
    }
}

/// A limit outside its bounds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{name} {value} {unit} is out of range ({min}..={max} {unit})")]
    OutOfRange {
        name: &'static str,
        value: u64,
        min: u64,
        max: u64,
        unit: &'static str,
    },
    #[error("wall timeout {wall} ms is shorter than the CPU timeout {cpu} ms")]
    WallBelowCpu { wall: u64, cpu: u64 },
    #[error("unknown profile '{0}' (expected strict or lab)")]
    UnknownProfile(String),
}

fn check(
    name: &'static str,
    value: u64,
    min: u64,
    max: u64,
    unit: &'static str,
) -> Result<(), PolicyError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(PolicyError::OutOfRange {
            name,
            value,
            min,
            max,
            unit,
        })
    }
}

impl Limits {
    /// Limits with the given CPU timeout and the wall timeout derived from it.
    pub fn with_timeout(timeout_ms: u64) -> Self {
        Limits {
            timeout_ms,
            wall_timeout_ms: timeout_ms.saturating_mul(WALL_TIMEOUT_FACTOR),
            ..Limits::default()
        }
    }

    pub fn validate(&self) -> Result<(), PolicyError> {
        check(
            "timeout",
            self.timeout_ms,
            MIN_TIMEOUT_MS,
            MAX_TIMEOUT_MS,
            "ms",
        )?;
        check(
            "wall timeout",
            self.wall_timeout_ms,
            MIN_TIMEOUT_MS,
            MAX_WALL_TIMEOUT_MS,
            "ms",
        )?;
        if self.wall_timeout_ms < self.timeout_ms {
            return Err(PolicyError::WallBelowCpu {
                wall: self.wall_timeout_ms,
                cpu: self.timeout_ms,
            });
        }
        check("memory", self.memory_mb, MIN_MEMORY_MB, MAX_MEMORY_MB, "MB")?;
        check("stack", self.stack_kb, MIN_STACK_KB, MAX_STACK_KB, "KB")?;
        check(
            "console bytes",
            self.console_max_bytes as u64,
            1,
            64 * 1024 * 1024,
            "bytes",
        )?;
        check(
            "console lines",
            self.console_max_lines as u64,
            1,
            1_000_000,
            "lines",
        )?;
        Ok(())
    }

    pub fn memory_bytes(&self) -> u64 {
        self.memory_mb * 1024 * 1024
    }
}

/// What a script may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// Code generation refused, intrinsics frozen, no ambient capability (the default).
    #[default]
    Strict,
    /// Code generation allowed, intrinsics not frozen: for experiments. Still no host capability.
    Lab,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Strict => "strict",
            Profile::Lab => "lab",
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "strict" => Ok(Profile::Strict),
            "lab" => Ok(Profile::Lab),
            other => Err(PolicyError::UnknownProfile(other.to_string())),
        }
    }
}

/// Host capabilities granted to a script. Empty by default: nothing ambient.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Permissions {
    /// Module names `require(name)` may load beyond [`DEFAULT_MODULES`]. A name in
    /// [`NEVER_MODULES`] is refused whatever this says, with "Module 'x' is not allowed in
    /// sandbox"; so is a name no host module provides.
    pub allowed_modules: Vec<String>,
}

/// The host modules every run may load unless its permissions say otherwise: pure ones, with
/// no host capability behind them (`crypto`'s host part computes digests and reads the OS
/// random source; nothing else).
pub const DEFAULT_MODULES: [&str; 10] = [
    "assert",
    "buffer",
    "crypto",
    "events",
    "path",
    "querystring",
    "stream",
    "string_decoder",
    "url",
    "util",
];

/// Modules no permission can grant: they are the host's process, code generation or raw
/// network, which no plugin reaches (the network is granted per host, through `fetch`).
pub const NEVER_MODULES: [&str; 19] = [
    "child_process",
    "cluster",
    "dgram",
    "dns",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "process",
    "repl",
    "tls",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "trace_events",
];

impl Permissions {
    /// Whether a run with these permissions may load module `name` (`node:` prefix allowed).
    /// The one place this is decided: `require`, static `import` and the loader all ask here.
    pub fn allows_module(&self, name: &str) -> bool {
        let base = name.strip_prefix("node:").unwrap_or(name);
        if NEVER_MODULES.contains(&base) {
            return false;
        }
        DEFAULT_MODULES.contains(&base) || self.allowed_modules.iter().any(|m| m == base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_brief() {
        let l = Limits::default();
        l.validate().expect("defaults valid");
        assert_eq!(
            (l.timeout_ms, l.wall_timeout_ms, l.memory_mb, l.stack_kb),
            (5000, 10000, 128, 512)
        );
    }

    #[test]
    fn out_of_range_values_are_errors_not_clamps() {
        let l = Limits {
            timeout_ms: 30_001,
            ..Limits::default()
        };
        let err = l.validate().expect_err("too long");
        assert_eq!(
            err.to_string(),
            "timeout 30001 ms is out of range (1..=30000 ms)"
        );
        let l = Limits {
            memory_mb: 513,
            ..Limits::default()
        };
        assert!(l.validate().is_err());
        let l = Limits {
            timeout_ms: 100,
            wall_timeout_ms: 50,
            ..Limits::default()
        };
        assert!(matches!(
            l.validate(),
            Err(PolicyError::WallBelowCpu { .. })
        ));
    }

    #[test]
    fn profile_parses() {
        assert_eq!("lab".parse::<Profile>(), Ok(Profile::Lab));
        assert!("root".parse::<Profile>().is_err());
    }
}
