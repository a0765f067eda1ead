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
    #[error(transparent)]
    Grant(#[from] GrantError),
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

mod grant;
pub mod manifest;

pub use grant::{HostPattern, NetGrant, Protocol};

mod permissions;
pub use permissions::{
    module_root, safe_read_dir, CapabilityLimits, FsPermissions, Grant, GrantError, NoGrant,
    Permissions, MAX_GRANTS, MAX_GRANT_PATH_BYTES, NEVER_MODULES, PURE_MODULES,
};

#[cfg(test)]
mod tests;
