//! What a script may reach beyond itself: the permission lists (`Permissions`), their caps
//! (`CapabilityLimits`), their checks, and the one-grant proposals of "grant this" (`Grant`,
//! `safe_read_dir`).

use super::{check, grant, NetGrant, PolicyError, MAX_WALL_TIMEOUT_MS};
use crate::engine::exec::BlockedAttempt;
use crate::engine::Category;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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

    /// The grant that would have let a refused attempt through (for the workbench's "grant
    /// this", which edits the grant of the next run, never the current one), or why there is
    /// none. See [`Permissions::grant_for_in`].
    pub fn grant_for(&self, b: &BlockedAttempt) -> Result<Grant, NoGrant> {
        self.grant_for_in(b, None)
    }

    /// [`Permissions::grant_for`], knowing the directory the plugin lives in (`plugin_dir`):
    /// a refused `require('fs')` names no path, so the only directory it can propose is that
    /// one (the one a plugin's relative reads start from once granted).
    ///
    /// - a refused `require`/`import` of a pure module: its name;
    /// - a refused `fetch`: the URL's host, protocol and port (as the broker checks them);
    /// - a refused read of an absolute path: the directory holding it, only if that is an
    ///   existing, canonical directory that is safe to hand a plugin ([`safe_read_dir`]);
    /// - never anything for writes, `child_process`, `eval`, `process`, constructor chains or
    ///   any other category: no grant exists for them.
    pub fn grant_for_in(
        &self,
        b: &BlockedAttempt,
        plugin_dir: Option<&Path>,
    ) -> Result<Grant, NoGrant> {
        let what = crate::engine::text::truncate(&b.capability, 120).into_owned();
        // A refused require/import carries the engine's exact message (README: "Module 'x'
        // is not allowed in sandbox"); its category is the module's, so fs is Filesystem.
        let module_refusal =
            b.message == format!("Module '{}' is not allowed in sandbox", b.capability);
        let grant = if module_refusal {
            let root = module_root(&b.capability);
            if root == "fs" {
                let Some(dir) = plugin_dir else {
                    return Err(NoGrant(format!(
                        "require('{what}') names no directory: save the plugin to a file, or add a directory in the Permissions panel"
                    )));
                };
                Grant::Read(safe_read_dir(dir)?)
            } else {
                check_module_name(root).map_err(|e| NoGrant(e.to_string()))?;
                Grant::Module(root.to_string())
            }
        } else {
            match b.category {
                Category::Filesystem if b.capability.starts_with("fs.") => {
                    return Err(NoGrant(format!(
                        "{what} writes: this version of sandbench grants reads only"
                    )))
                }
                Category::Filesystem if b.capability.starts_with('/') => {
                    let Some(dir) = grant::parent_dir(&b.capability) else {
                        return Err(NoGrant(format!(
                            "no safe grant for {what}: a top-level path, or one that climbs with '..'"
                        )));
                    };
                    let dir = safe_read_dir(&dir)
                        .map_err(|e| NoGrant(format!("no safe grant for {what}: {}", e.0)))?;
                    Grant::Read(dir)
                }
                Category::Filesystem => {
                    return Err(NoGrant(format!(
                        "no grant can allow {what}: a relative path is read beneath the granted directory, and was refused there ({})",
                        crate::engine::text::truncate(&b.message, 120)
                    )))
                }
                Category::Network => {
                    let g = b
                        .capability
                        .contains("://")
                        .then(|| NetGrant::for_url(&b.capability))
                        .flatten();
                    let Some(g) = g else {
                        return Err(NoGrant(format!(
                            "no host to grant: {what} names no http(s) URL (a run granted no host has no fetch to say where it would go; add a host in the Permissions panel)"
                        )));
                    };
                    Grant::Net(g)
                }
                other => {
                    return Err(NoGrant(format!(
                        "{what} ({other}) is never granted: it would hand the script the host"
                    )))
                }
            }
        };
        if self.has(&grant) {
            return Err(NoGrant(format!(
                "{grant} is already granted: {what} was refused for another reason ({})",
                crate::engine::text::truncate(&b.message, 120)
            )));
        }
        let mut next = self.clone();
        grant.add_to(&mut next);
        next.validate().map_err(|e| NoGrant(e.to_string()))?;
        Ok(grant)
    }

    /// Whether `g` is already granted (a directory beneath a granted one counts).
    pub fn has(&self, g: &Grant) -> bool {
        match g {
            Grant::Read(dir) => self.filesystem.read.iter().any(|r| dir.starts_with(r)),
            Grant::Net(n) => self.network.iter().any(|h| h.covers(n)),
            Grant::Module(m) => self.allows_module(m),
        }
    }

    /// Every grant of these permissions, one by one (directories, hosts, then modules).
    pub fn grants(&self) -> Vec<Grant> {
        let mut out: Vec<Grant> = self
            .filesystem
            .read
            .iter()
            .map(|d| Grant::Read(d.clone()))
            .collect();
        out.extend(self.network.iter().map(|n| Grant::Net(n.clone())));
        out.extend(self.modules.iter().map(|m| Grant::Module(m.clone())));
        out
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

/// One grant: what "grant this" proposes and what the scan gate says covered a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// `filesystem.read`: a directory (absolute).
    Read(PathBuf),
    /// `network`: one host, protocol and port.
    Net(NetGrant),
    /// `modules`: one pure module, by its root name.
    Module(String),
}

impl Grant {
    /// Adds this grant to `p` (no duplicate).
    pub fn add_to(&self, p: &mut Permissions) {
        match self {
            Grant::Read(d) => p.add_read(d.clone()),
            Grant::Net(n) => p.add_net(n.clone()),
            Grant::Module(m) => p.add_module(m),
        }
    }

    /// Removes exactly this grant from `p` (a host compared as a pattern).
    pub fn remove_from(&self, p: &mut Permissions) {
        match self {
            Grant::Read(d) => p.filesystem.read.retain(|r| r != d),
            Grant::Net(n) => p.network.retain(|h| !h.same_as(n)),
            Grant::Module(m) => p.modules.retain(|x| module_root(x) != module_root(m)),
        }
    }

    /// The `run` flag that grants it: `--allow-read DIR`, `--allow-net URL`, `--allow-module`.
    pub fn flag(&self) -> String {
        match self {
            Grant::Read(d) => format!("--allow-read {}", d.display()),
            Grant::Net(n) => format!("--allow-net {n}"),
            Grant::Module(m) => format!("--allow-module {m}"),
        }
    }
}

impl std::fmt::Display for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Grant::Read(d) => write!(f, "read {}", d.display()),
            Grant::Net(n) => write!(f, "net {n}"),
            Grant::Module(m) => write!(f, "module {m}"),
        }
    }
}

/// Why "grant this" has nothing to propose: one line for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NoGrant(pub String);

/// Names that mark a secret: a directory holding one (or named one) is never proposed.
const SECRET_NAMES: [&str; 15] = [
    ".ssh",
    ".aws",
    ".gnupg",
    ".env",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    ".docker",
    ".kube",
    ".azure",
    ".password-store",
    ".pgpass",
    "id_rsa",
    "id_ed25519",
];

/// System trees never proposed for reading (the kernel's views, devices, host configuration).
const SYSTEM_DIRS: [&str; 8] = [
    "/proc", "/sys", "/dev", "/etc", "/boot", "/root", "/run", "/var/run",
];

fn secret_name(name: &str) -> bool {
    SECRET_NAMES.contains(&name) || name.starts_with(".env.")
}

/// Most entries of a directory looked at for secrets before giving up (and refusing).
const MAX_SECRET_SCAN: usize = 10_000;

/// `dir` if it is safe to propose for reading: an existing directory that is its own
/// canonical path (no symlink on the way), not `/` nor a top-level directory, not the home
/// directory or one holding it, not under `/proc`, `/sys`, `/dev`, `/etc`…, with no
/// secret-looking component (`.ssh`, `.aws`, `.gnupg`, `.env`…) and no secret-looking entry.
pub fn safe_read_dir(dir: &Path) -> Result<PathBuf, NoGrant> {
    let shown = dir.display().to_string();
    let no = |why: &str| Err(NoGrant(format!("{shown} {why}")));
    if !dir.is_absolute() {
        return no("is not an absolute path");
    }
    // Lexically first (`/proc/self` is a link), then again on the real path.
    if SYSTEM_DIRS.iter().any(|s| dir.starts_with(s)) {
        return no("is a system directory");
    }
    let canon = match std::fs::canonicalize(dir) {
        Ok(c) => c,
        Err(_) => return no("does not exist"),
    };
    if canon != dir {
        return Err(NoGrant(format!(
            "{shown} is reached through a symbolic link (it is {})",
            canon.display()
        )));
    }
    if !canon.is_dir() {
        return no("is not a directory");
    }
    if canon.components().count() <= 2 {
        return no("is the root or a top-level directory: too wide to grant");
    }
    if SYSTEM_DIRS.iter().any(|s| canon.starts_with(s)) {
        return no("is a system directory");
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if home.starts_with(&canon) {
            return no("is the home directory or holds it");
        }
    }
    for c in canon.components() {
        if let std::path::Component::Normal(n) = c {
            if n.to_str().is_some_and(secret_name) {
                return no("is inside a secret-looking directory");
            }
        }
    }
    let entries = std::fs::read_dir(&canon).map_err(|e| NoGrant(format!("{shown}: {e}")))?;
    for (i, e) in entries.enumerate() {
        if i >= MAX_SECRET_SCAN {
            return no("holds too many entries to check for secrets");
        }
        let e = e.map_err(|e| NoGrant(format!("{shown}: {e}")))?;
        if let Some(name) = e.file_name().to_str().filter(|n| secret_name(n)) {
            return Err(NoGrant(format!(
                "{shown} holds {name}, which looks like a secret"
            )));
        }
    }
    Ok(canon)
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
