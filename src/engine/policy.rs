//! Limits and permissions for a run, with their bounds. Out-of-range values are errors, never
//! silent clamps.

use crate::engine::exec::BlockedAttempt;
use crate::engine::Category;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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

/// Modules granted by default: the pure host modules, which reach nothing outside the sandbox.
/// The only names the module list may hold.
pub const PURE_MODULES: [&str; 10] = [
    "path",
    "url",
    "querystring",
    "util",
    "events",
    "buffer",
    "string_decoder",
    "assert",
    "stream",
    "crypto",
];

/// Modules that no permission grants: each would hand the script the host itself.
pub const NEVER_MODULES: [&str; 19] = [
    "child_process",
    "wasi",
    "trace_events",
    "vm",
    "worker_threads",
    "cluster",
    "process",
    "os",
    "net",
    "http",
    "https",
    "http2",
    "dgram",
    "tls",
    "dns",
    "v8",
    "inspector",
    "module",
    "repl",
];

/// The module a `require` name stands for: without `node:` and without a subpath
/// (`node:fs/promises` → `fs`).
pub fn module_root(name: &str) -> &str {
    let base = name.strip_prefix("node:").unwrap_or(name);
    base.split('/').next().unwrap_or(base)
}

/// Most directories, hosts or modules one permission list may name.
pub const MAX_GRANTS: usize = 64;
/// Longest granted directory path, in bytes (PATH_MAX).
pub const MAX_GRANT_PATH_BYTES: usize = 4096;

/// What a script may reach beyond itself. Every grant is enforced by the host (the broker,
/// `engine::broker`), never by the script. Nothing is granted by default except the pure
/// modules ([`PURE_MODULES`]); [`Permissions::none`] grants nothing at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Permissions {
    pub filesystem: FsPermissions,
    /// Hosts `fetch` may reach.
    pub network: Vec<NetGrant>,
    /// Module names `require(name)` may load (see [`Permissions::allows_module`]).
    pub modules: Vec<String>,
    /// Caps on what the granted capabilities may consume in one run.
    pub limits: CapabilityLimits,
}

impl Default for Permissions {
    fn default() -> Self {
        Permissions {
            filesystem: FsPermissions::default(),
            network: Vec::new(),
            modules: PURE_MODULES.iter().map(|m| m.to_string()).collect(),
            limits: CapabilityLimits::default(),
        }
    }
}

/// Directories the script may read (and, in a later version, write) beneath.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FsPermissions {
    /// Absolute directories: `fs` reads work beneath them and nowhere else.
    pub read: Vec<PathBuf>,
    /// Refused in this version: must stay empty.
    pub write: Vec<PathBuf>,
}

/// Caps on the granted capabilities, per run. The defaults suit a plugin that reads a
/// config and calls an API a few times; each has bounds like [`Limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CapabilityLimits {
    /// Largest file one read returns (a larger file is refused, not cut).
    pub fs_max_file_bytes: u64,
    /// Bytes all reads of a run may return together.
    pub fs_max_total_bytes: u64,
    /// Filesystem calls (read, readdir, stat, exists) a run may make.
    pub fs_max_ops: u64,
    /// HTTP requests a run may send (each redirect followed is one more).
    pub net_max_requests: u64,
    /// Largest response body, in bytes.
    pub net_max_response_bytes: u64,
    /// Largest request body, in bytes.
    pub net_max_request_bytes: u64,
    /// Largest header block of a request or a response (names + values), in bytes.
    pub net_max_header_bytes: u64,
    /// Time one request may take, in milliseconds (always also within the run's wall
    /// deadline).
    pub net_timeout_ms: u64,
}

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

impl Default for CapabilityLimits {
    fn default() -> Self {
        CapabilityLimits {
            fs_max_file_bytes: 8 * MIB,
            fs_max_total_bytes: 64 * MIB,
            fs_max_ops: 10_000,
            net_max_requests: 100,
            net_max_response_bytes: 8 * MIB,
            net_max_request_bytes: MIB,
            net_max_header_bytes: 64 * KIB,
            net_timeout_ms: 10_000,
        }
    }
}

impl CapabilityLimits {
    /// Each limit with its bounds, by the name the manifest uses.
    pub fn bounds(&self) -> [(&'static str, u64, u64, u64, &'static str); 8] {
        [
            (
                "fs_max_file_bytes",
                self.fs_max_file_bytes,
                1,
                32 * MIB,
                "bytes",
            ),
            (
                "fs_max_total_bytes",
                self.fs_max_total_bytes,
                1,
                256 * MIB,
                "bytes",
            ),
            ("fs_max_ops", self.fs_max_ops, 1, 100_000, "calls"),
            (
                "net_max_requests",
                self.net_max_requests,
                1,
                10_000,
                "requests",
            ),
            (
                "net_max_response_bytes",
                self.net_max_response_bytes,
                1,
                32 * MIB,
                "bytes",
            ),
            (
                "net_max_request_bytes",
                self.net_max_request_bytes,
                0,
                8 * MIB,
                "bytes",
            ),
            (
                "net_max_header_bytes",
                self.net_max_header_bytes,
                KIB,
                256 * KIB,
                "bytes",
            ),
            (
                "net_timeout_ms",
                self.net_timeout_ms,
                1,
                MAX_WALL_TIMEOUT_MS,
                "ms",
            ),
        ]
    }

    pub fn validate(&self) -> Result<(), PolicyError> {
        for (name, value, min, max, unit) in self.bounds() {
            check(name, value, min, max, unit)?;
        }
        Ok(())
    }
}

/// A permission that cannot be granted as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("filesystem.read: '{0}' is not an absolute path")]
    RelativeDirectory(String),
    #[error("filesystem.read: '{0}' does not exist")]
    MissingDirectory(String),
    #[error("filesystem.read: '{0}' is not a directory")]
    NotADirectory(String),
    #[error("filesystem.read: '{0}' cannot be read: {1}")]
    UnreadableDirectory(String, String),
    #[error("filesystem.read: '/' would grant the whole filesystem; grant the directory the plugin needs")]
    WholeFilesystem,
    #[error(
        "filesystem.read: '{0}' is not a usable path (UTF-8, no NUL, at most 4096 bytes, no '..')"
    )]
    BadPath(String),
    #[error("filesystem.write is refused in this version of sandbench: plugins can only read (remove '{0}')")]
    WriteUnsupported(String),
    #[error("network: '{host}' is not a host pattern: {reason}")]
    BadHost { host: String, reason: String },
    #[error("network: port 0 is not a port (for '{0}')")]
    PortZero(String),
    #[error("modules: '{0}' is granted with filesystem.read (--allow-read DIR), not by name")]
    FsByName(String),
    #[error("modules: '{0}' can never be granted: it would hand the script the host")]
    NeverGranted(String),
    #[error("modules: there is no host module '{name}' (the modules are: {known})")]
    UnknownModule { name: String, known: String },
    #[error("{what}: at most {max} entries ({n} given)")]
    TooMany {
        what: &'static str,
        n: usize,
        max: usize,
    },
}

impl Permissions {
    /// Nothing at all: no module, no directory, no host (`--deny-all`).
    pub fn none() -> Self {
        Permissions {
            modules: Vec::new(),
            ..Permissions::default()
        }
    }

    /// Whether `require(name)` may load the module (`node:` prefix and subpaths such as
    /// `fs/promises` count as their module). `fs` is allowed exactly when a directory is
    /// granted for reading; the modules of [`NEVER_MODULES`] never are.
    pub fn allows_module(&self, name: &str) -> bool {
        let root = module_root(name);
        if root == "fs" {
            return !self.filesystem.read.is_empty();
        }
        self.modules.iter().any(|m| module_root(m) == root) && PURE_MODULES.contains(&root)
    }

    /// Whether any directory is granted.
    pub fn grants_fs(&self) -> bool {
        !self.filesystem.read.is_empty()
    }

    /// Whether any host is granted.
    pub fn grants_network(&self) -> bool {
        !self.network.is_empty()
    }

    /// Whether a run needs the broker (a capability beyond the pure modules).
    pub fn needs_broker(&self) -> bool {
        self.grants_fs() || self.grants_network()
    }

    /// Checks everything that needs no file system access (the form of each grant and the
    /// limits): every executor runs only requests that pass. [`Permissions::check_paths`]
    /// adds the checks that look at the disk.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let too_many = |what, n| {
            (n > MAX_GRANTS).then_some(GrantError::TooMany {
                what,
                n,
                max: MAX_GRANTS,
            })
        };
        if let Some(e) = too_many("filesystem.read", self.filesystem.read.len())
            .or_else(|| too_many("network", self.network.len()))
            .or_else(|| too_many("modules", self.modules.len()))
        {
            return Err(e.into());
        }
        if let Some(w) = self.filesystem.write.first() {
            return Err(GrantError::WriteUnsupported(w.display().to_string()).into());
        }
        for dir in &self.filesystem.read {
            check_grant_path(dir)?;
        }
        for g in &self.network {
            g.validate()?;
        }
        for m in &self.modules {
            check_module_name(m)?;
        }
        self.limits.validate()
    }

    /// Checks that each granted directory exists and is a directory (the broker opens them
    /// again when a run starts, and refuses what is gone by then).
    pub fn check_paths(&self) -> Result<(), PolicyError> {
        for dir in &self.filesystem.read {
            let shown = dir.display().to_string();
            match std::fs::metadata(dir) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Err(GrantError::NotADirectory(shown).into()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(GrantError::MissingDirectory(shown).into())
                }
                Err(e) => return Err(GrantError::UnreadableDirectory(shown, e.to_string()).into()),
            }
        }
        Ok(())
    }

    /// Adds a directory to read beneath (no duplicate).
    pub fn add_read(&mut self, dir: PathBuf) {
        if !self.filesystem.read.contains(&dir) {
            self.filesystem.read.push(dir);
        }
    }

    /// Adds a host grant (no duplicate).
    pub fn add_net(&mut self, g: NetGrant) {
        if !self.network.iter().any(|n| n.same_as(&g)) {
            self.network.push(g);
        }
    }

    /// Adds a module name (its root form; no duplicate).
    pub fn add_module(&mut self, name: &str) {
        let root = module_root(name).to_string();
        if !self.modules.iter().any(|m| module_root(m) == root) {
            self.modules.push(root);
        }
    }

    /// The grant a refused attempt asks for: these permissions plus what would have let it
    /// through, or `None` when no grant can (an escape through a symlink, a module that is
    /// never granted, a relative path) or it is already granted. For the workbench's
    /// "grant this", which edits the grant of the next run, never the current one.
    ///
    /// A refused path grants the directory that holds it; a refused URL its host, protocol
    /// and port; a refused module its name.
    pub fn grant_for(&self, b: &BlockedAttempt) -> Option<Permissions> {
        let mut next = self.clone();
        match b.category {
            Category::Filesystem if b.capability.starts_with('/') => {
                let dir = grant::parent_dir(&b.capability)?;
                if self.filesystem.read.iter().any(|r| dir.starts_with(r)) {
                    return None;
                }
                next.add_read(dir);
            }
            Category::Network if b.capability.contains("://") => {
                let g = NetGrant::for_url(&b.capability)?;
                if self.network.iter().any(|n| n.covers(&g)) {
                    return None;
                }
                next.add_net(g);
            }
            _ => {
                let root = module_root(&b.capability);
                if !PURE_MODULES.contains(&root) || self.allows_module(root) {
                    return None;
                }
                next.add_module(root);
            }
        }
        next.validate().ok()?;
        next.check_paths().ok()?;
        Some(next)
    }

    /// One short line per kind of grant, for reports (`read …`, `net …`, `modules …`).
    pub fn summary(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.filesystem.read.is_empty() {
            let dirs: Vec<String> = self
                .filesystem
                .read
                .iter()
                .map(|d| d.display().to_string())
                .collect();
            out.push(format!("read {}", dirs.join(", ")));
        }
        if !self.network.is_empty() {
            let hosts: Vec<String> = self.network.iter().map(|g| g.to_string()).collect();
            out.push(format!("net {}", hosts.join(", ")));
        }
        let default_modules = Permissions::default().modules;
        let modules = if self.modules == default_modules {
            "modules (the pure ones)".to_string()
        } else if self.modules.is_empty() {
            "no modules".to_string()
        } else {
            format!("modules {}", self.modules.join(", "))
        };
        out.push(modules);
        out
    }
}

/// The checks of one granted directory that need no disk access.
fn check_grant_path(dir: &Path) -> Result<(), PolicyError> {
    let shown = dir.display().to_string();
    let Some(text) = dir.to_str() else {
        return Err(GrantError::BadPath(shown).into());
    };
    if text.contains('\0') || text.len() > MAX_GRANT_PATH_BYTES || text.is_empty() {
        return Err(GrantError::BadPath(shown).into());
    }
    if !dir.is_absolute() {
        return Err(GrantError::RelativeDirectory(shown).into());
    }
    if dir
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(GrantError::BadPath(shown).into());
    }
    if dir.parent().is_none() {
        return Err(GrantError::WholeFilesystem.into());
    }
    Ok(())
}

/// The checks of one module name of the grant list.
fn check_module_name(name: &str) -> Result<(), PolicyError> {
    let root = module_root(name);
    if root == "fs" {
        return Err(GrantError::FsByName(name.to_string()).into());
    }
    if NEVER_MODULES.contains(&root) {
        return Err(GrantError::NeverGranted(name.to_string()).into());
    }
    if !PURE_MODULES.contains(&root) {
        return Err(GrantError::UnknownModule {
            name: crate::engine::text::truncate(name, 100).into_owned(),
            known: PURE_MODULES.join(", "),
        }
        .into());
    }
    Ok(())
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
    fn the_default_grants_the_pure_modules_and_nothing_else() {
        let p = Permissions::default();
        p.validate().expect("valid");
        for m in PURE_MODULES {
            assert!(
                p.allows_module(m) && p.allows_module(&format!("node:{m}")),
                "{m}"
            );
        }
        for m in NEVER_MODULES
            .iter()
            .chain(&["fs", "node:fs/promises", "lodash", ""])
        {
            assert!(!p.allows_module(m), "{m}");
        }
        assert!(!p.needs_broker());
        let none = Permissions::none();
        assert!(PURE_MODULES.iter().all(|m| !none.allows_module(m)));
        // fs comes with a directory, and only then.
        let mut p = Permissions::none();
        p.add_read(PathBuf::from("/srv/data"));
        assert!(p.allows_module("fs") && p.allows_module("node:fs/promises"));
        assert!(!p.allows_module("path"));
    }

    #[test]
    fn bad_grants_are_refused_with_a_reason() {
        let with = |f: &dyn Fn(&mut Permissions)| {
            let mut p = Permissions::default();
            f(&mut p);
            p.validate().expect_err("invalid").to_string()
        };
        assert!(
            with(&|p| p.filesystem.read.push("rel/dir".into())).contains("not an absolute path")
        );
        assert!(with(&|p| p.filesystem.read.push("/".into())).contains("whole filesystem"));
        assert!(with(&|p| p.filesystem.read.push("/a/../etc".into())).contains("not a usable path"));
        assert!(
            with(&|p| p.filesystem.write.push("/tmp".into())).contains("refused in this version")
        );
        assert!(with(&|p| p.modules.push("fs".into())).contains("--allow-read"));
        assert!(with(&|p| p.modules.push("child_process".into())).contains("never be granted"));
        assert!(with(&|p| p.modules.push("lodash".into())).contains("no host module 'lodash'"));
        assert!(with(&|p| p.network.push(NetGrant {
            host: "a.com".into(),
            protocol: Protocol::Https,
            port: Some(0)
        }))
        .contains("port 0"));
        assert!(with(&|p| p.limits.net_timeout_ms = 0).contains("net_timeout_ms"));
        assert!(with(&|p| p.limits.fs_max_file_bytes = 1 << 40).contains("fs_max_file_bytes"));
        assert!(with(&|p| p.filesystem.read = vec!["/x".into(); 65]).contains("at most 64"));
        // On disk: a missing directory and a file are refused by check_paths.
        let dir = tempfile::tempdir().expect("tempdir");
        let mut p = Permissions::default();
        p.filesystem.read.push(dir.path().join("missing"));
        p.validate().expect("well-formed");
        assert!(p
            .check_paths()
            .expect_err("missing")
            .to_string()
            .contains("does not exist"));
        let file = dir.path().join("f");
        std::fs::write(&file, "x").expect("write");
        p.filesystem.read = vec![file];
        assert!(p
            .check_paths()
            .expect_err("file")
            .to_string()
            .contains("not a directory"));
    }

    #[test]
    fn a_blocked_attempt_proposes_the_grant_it_asks_for() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("config.json");
        let blocked = |category, capability: &str| BlockedAttempt {
            capability: capability.to_string(),
            category,
            message: String::new(),
            line: Some(1),
            column: Some(1),
            count: 1,
        };
        let p = Permissions::default();
        let g = p
            .grant_for(&blocked(Category::Filesystem, &file.display().to_string()))
            .expect("a directory grant");
        assert_eq!(g.filesystem.read, [dir.path().to_path_buf()]);
        assert_eq!(
            g.grant_for(&blocked(Category::Filesystem, &file.display().to_string())),
            None
        );
        assert_eq!(
            p.grant_for(&blocked(Category::Filesystem, "/nope/x/y")),
            None,
            "no such dir"
        );
        assert_eq!(
            p.grant_for(&blocked(Category::Filesystem, "../etc/passwd")),
            None
        );
        assert_eq!(p.grant_for(&blocked(Category::Filesystem, "fs")), None);
        let g = p
            .grant_for(&blocked(Category::Network, "http://127.0.0.1:8080/api?q=1"))
            .expect("a host grant");
        assert_eq!(g.network[0].to_string(), "http://127.0.0.1:8080");
        assert_eq!(p.grant_for(&blocked(Category::Network, "fetch")), None);
        let none = Permissions::none();
        let g = none
            .grant_for(&blocked(Category::ModuleLoading, "node:events"))
            .expect("a module grant");
        assert_eq!(g.modules, ["events"]);
        assert_eq!(
            none.grant_for(&blocked(Category::ChildProcess, "child_process")),
            None
        );
        assert_eq!(
            p.grant_for(&blocked(Category::ModuleLoading, "events")),
            None,
            "already"
        );
    }

    #[test]
    fn permissions_round_trip_as_json() {
        let mut p = Permissions::default();
        p.add_read(PathBuf::from("/srv/data"));
        p.network = NetGrant::parse_flag("api.example.com:8443").expect("grant");
        let text = serde_json::to_string(&p).expect("json");
        let back: Permissions = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, p);
        let partial: Permissions = serde_json::from_str("{}").expect("defaults");
        assert_eq!(partial, Permissions::default());
    }

    #[test]
    fn profile_parses() {
        assert_eq!("lab".parse::<Profile>(), Ok(Profile::Lab));
        assert!("root".parse::<Profile>().is_err());
    }
}
