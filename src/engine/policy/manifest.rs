//! The plugin manifest, `sandbench.toml`: the permissions and limits a plugin asks for.
//!
//! ```toml
//! [limits]                      # the run's limits (same names and bounds as the flags)
//! timeout_ms = 2000
//! wall_timeout_ms = 4000
//! memory_mb = 64
//! stack_kb = 512
//!
//! [permissions]
//! modules = ["path", "events"]  # default: every pure module
//!
//! [permissions.filesystem]
//! read = ["config", "/srv/shared"]   # relative to the manifest's directory
//!
//! [[permissions.network]]
//! host = "api.example.com"      # a name, *.name or an IP address
//! protocol = "https"            # http | https
//! port = 443                    # default: the protocol's
//!
//! [permissions.limits]          # caps of the granted capabilities (CapabilityLimits)
//! fs_max_file_bytes = 1048576
//! net_timeout_ms = 3000
//! ```
//!
//! Every key is optional; an unknown key is an error naming the key and its line. The values
//! are checked with the same bounds as the command line's.

use super::{module_root, CapabilityLimits, Grant, Limits, NetGrant, Permissions, PolicyError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The manifest's file name, looked for beside the plugin.
pub const MANIFEST_FILE: &str = "sandbench.toml";
/// Largest manifest read.
pub const MAX_MANIFEST_BYTES: u64 = 64 * 1024;

/// A manifest that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", at.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct ManifestError {
    pub path: String,
    /// Line and column (1-based) when the error has a place in the file.
    pub at: Option<(usize, usize)>,
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    limits: Option<RawLimits>,
    permissions: Option<RawPermissions>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    timeout_ms: Option<u64>,
    wall_timeout_ms: Option<u64>,
    memory_mb: Option<u64>,
    stack_kb: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPermissions {
    filesystem: Option<RawFs>,
    network: Option<Vec<NetGrant>>,
    modules: Option<Vec<String>>,
    limits: Option<RawCapabilityLimits>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFs {
    read: Option<Vec<String>>,
    write: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCapabilityLimits {
    fs_max_file_bytes: Option<u64>,
    fs_max_total_bytes: Option<u64>,
    fs_max_ops: Option<u64>,
    net_max_requests: Option<u64>,
    net_max_response_bytes: Option<u64>,
    net_max_request_bytes: Option<u64>,
    net_max_header_bytes: Option<u64>,
    net_timeout_ms: Option<u64>,
}

/// Run limits a manifest sets (each replaces the default; a flag replaces it in turn).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LimitOverrides {
    pub timeout_ms: Option<u64>,
    pub wall_timeout_ms: Option<u64>,
    pub memory_mb: Option<u64>,
    pub stack_kb: Option<u64>,
}

/// A parsed, checked manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub path: PathBuf,
    pub limits: LimitOverrides,
    /// Directories to read beneath, made absolute against the manifest's directory.
    pub read: Vec<PathBuf>,
    pub network: Vec<NetGrant>,
    /// The module list, when the manifest gives one (else the default).
    pub modules: Option<Vec<String>>,
    pub capability_limits: CapabilityLimits,
}

/// The grants and limits given on the command line (or by the workbench), laid over a
/// manifest. Serialized as the workbench stores a file's grants (every field optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Overrides {
    /// Ignore the manifest's grants (and the default modules): only what is named here.
    pub deny_all: bool,
    /// Absolute directories.
    pub read: Vec<PathBuf>,
    pub network: Vec<NetGrant>,
    pub modules: Vec<String>,
}

impl Manifest {
    /// `sandbench.toml` in the directory of `file`, if there is one.
    pub fn beside(file: &Path) -> Option<PathBuf> {
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let m = dir.join(MANIFEST_FILE);
        m.is_file().then_some(m)
    }

    /// Reads and checks a manifest file.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let shown = path.display().to_string();
        let err = |message: String| ManifestError {
            path: shown.clone(),
            at: None,
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
        if meta.len() > MAX_MANIFEST_BYTES {
            return Err(err(format!(
                "the manifest is {} bytes; the limit is {MAX_MANIFEST_BYTES}",
                meta.len()
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let base = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let base = std::path::absolute(&base).map_err(|e| err(e.to_string()))?;
        Manifest::parse(&text, path, &base)
    }

    /// Parses manifest text; relative directories are taken against `base`.
    pub fn parse(text: &str, path: &Path, base: &Path) -> Result<Manifest, ManifestError> {
        let shown = path.display().to_string();
        let raw: RawManifest = toml::from_str(text).map_err(|e| ManifestError {
            path: shown.clone(),
            at: e.span().map(|s| {
                let (line, col) = crate::engine::scan::line_col(text, s.start);
                (line as usize, col as usize)
            }),
            message: e.message().trim().to_string(),
        })?;
        let policy_err = |e: PolicyError| ManifestError {
            path: shown.clone(),
            at: None,
            message: e.to_string(),
        };
        let l = raw.limits.unwrap_or_default();
        let limits = LimitOverrides {
            timeout_ms: l.timeout_ms,
            wall_timeout_ms: l.wall_timeout_ms,
            memory_mb: l.memory_mb,
            stack_kb: l.stack_kb,
        };
        limits
            .apply(Limits::default())
            .validate()
            .map_err(policy_err)?;
        let p = raw.permissions.unwrap_or_default();
        let fs = p.filesystem.unwrap_or_default();
        let read: Vec<PathBuf> = fs
            .read
            .unwrap_or_default()
            .iter()
            .map(|d| base.join(d).components().collect())
            .collect();
        let mut caps = CapabilityLimits::default();
        if let Some(c) = p.limits {
            let set = |slot: &mut u64, v: Option<u64>| {
                if let Some(v) = v {
                    *slot = v;
                }
            };
            set(&mut caps.fs_max_file_bytes, c.fs_max_file_bytes);
            set(&mut caps.fs_max_total_bytes, c.fs_max_total_bytes);
            set(&mut caps.fs_max_ops, c.fs_max_ops);
            set(&mut caps.net_max_requests, c.net_max_requests);
            set(&mut caps.net_max_response_bytes, c.net_max_response_bytes);
            set(&mut caps.net_max_request_bytes, c.net_max_request_bytes);
            set(&mut caps.net_max_header_bytes, c.net_max_header_bytes);
            set(&mut caps.net_timeout_ms, c.net_timeout_ms);
        }
        let m = Manifest {
            path: path.to_path_buf(),
            limits,
            read,
            network: p.network.unwrap_or_default(),
            modules: p.modules,
            capability_limits: caps,
        };
        // The same checks as a request's, with the manifest's own write list (refused).
        let mut check = m.permissions(&Overrides::default());
        check.filesystem.write = fs
            .write
            .unwrap_or_default()
            .into_iter()
            .map(PathBuf::from)
            .collect();
        check.validate().map_err(policy_err)?;
        Ok(m)
    }

    /// The permissions this manifest grants, with `o` laid over it.
    pub fn permissions(&self, o: &Overrides) -> Permissions {
        permissions_for(Some(self), o)
    }
}

impl LimitOverrides {
    /// `base` with these limits set (the wall timeout follows a new CPU timeout unless given).
    pub fn apply(&self, base: Limits) -> Limits {
        let mut l = match self.timeout_ms {
            Some(t) => Limits {
                timeout_ms: t,
                wall_timeout_ms: t.saturating_mul(super::WALL_TIMEOUT_FACTOR),
                ..base
            },
            None => base,
        };
        if let Some(w) = self.wall_timeout_ms {
            l.wall_timeout_ms = w;
        }
        if let Some(m) = self.memory_mb {
            l.memory_mb = m;
        }
        if let Some(s) = self.stack_kb {
            l.stack_kb = s;
        }
        l
    }
}

/// The permissions of a run: the manifest's grants (unless `deny_all`), plus what `o` names.
/// Nothing is granted that neither names; the pure modules are the default module list
/// unless the manifest gives one or `deny_all` is set. The manifest's capability limits
/// apply either way (they only restrict).
pub fn permissions_for(manifest: Option<&Manifest>, o: &Overrides) -> Permissions {
    let mut p = if o.deny_all {
        Permissions::none()
    } else {
        Permissions::default()
    };
    if let Some(m) = manifest {
        p.limits = m.capability_limits;
        if !o.deny_all {
            if let Some(modules) = &m.modules {
                p.modules.clear();
                for name in modules {
                    p.add_module(name);
                }
            }
            for dir in &m.read {
                p.add_read(dir.clone());
            }
            for g in &m.network {
                p.add_net(g.clone());
            }
        }
    }
    for dir in &o.read {
        p.add_read(dir.clone());
    }
    for g in &o.network {
        p.add_net(g.clone());
    }
    for name in &o.modules {
        p.add_module(name);
    }
    p
}

/// Where one grant of a run came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantSource {
    /// Named by the overrides (`--allow-*` flags; the workbench's own settings).
    Overrides,
    /// Named by this manifest.
    Manifest(PathBuf),
    /// The default module list.
    Default,
}

/// Where `g` (a grant of `permissions_for(manifest, o)`) came from: the overrides first (they
/// are what the user named last), then the manifest, else the defaults.
pub fn source_of(g: &Grant, manifest: Option<&Manifest>, o: &Overrides) -> GrantSource {
    let in_overrides = match g {
        Grant::Read(d) => o.read.iter().any(|r| d.starts_with(r)),
        Grant::Net(n) => o.network.iter().any(|h| h.covers(n)),
        Grant::Module(m) => o.modules.iter().any(|x| module_root(x) == module_root(m)),
    };
    if in_overrides {
        return GrantSource::Overrides;
    }
    if let Some(mf) = manifest.filter(|_| !o.deny_all) {
        let named = match g {
            Grant::Read(d) => mf.read.iter().any(|r| d.starts_with(r)),
            Grant::Net(n) => mf.network.iter().any(|h| h.covers(n)),
            Grant::Module(m) => mf
                .modules
                .iter()
                .flatten()
                .any(|x| module_root(x) == module_root(m)),
        };
        if named {
            return GrantSource::Manifest(mf.path.clone());
        }
    }
    GrantSource::Default
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::policy::Protocol;

    fn parse(text: &str) -> Result<Manifest, ManifestError> {
        Manifest::parse(text, Path::new("p/sandbench.toml"), Path::new("/plugins/p"))
    }

    #[test]
    fn a_full_manifest_parses_and_grants_what_it_names() {
        let m = parse(
            r#"
[limits]
timeout_ms = 2000
memory_mb = 64

[permissions]
modules = ["path", "node:events"]

[permissions.filesystem]
read = ["config", "/srv/shared/"]

[[permissions.network]]
host = "api.example.com"
protocol = "https"

[permissions.limits]
net_timeout_ms = 3000
"#,
        )
        .expect("manifest");
        assert_eq!(m.limits.timeout_ms, Some(2000));
        let l = m.limits.apply(Limits::default());
        assert_eq!(
            (l.timeout_ms, l.wall_timeout_ms, l.memory_mb),
            (2000, 4000, 64)
        );
        let p = m.permissions(&Overrides::default());
        assert_eq!(
            p.filesystem.read,
            [
                PathBuf::from("/plugins/p/config"),
                PathBuf::from("/srv/shared")
            ]
        );
        assert_eq!(p.network[0].protocol, Protocol::Https);
        assert_eq!(p.modules, ["path", "events"]);
        assert_eq!(p.limits.net_timeout_ms, 3000);
        assert!(p.allows_module("fs") && p.allows_module("node:path"));
        assert!(
            !p.allows_module("util"),
            "the manifest's list replaces the default"
        );
    }

    #[test]
    fn unknown_keys_name_the_key_and_the_line() {
        let e = parse("[permissions]\nmodules = []\nnetwrok = []\n").expect_err("typo");
        assert_eq!(e.at.map(|a| a.0), Some(3), "{e}");
        assert!(e.message.contains("netwrok"), "{e}");
        assert!(e.to_string().starts_with("p/sandbench.toml:3:"), "{e}");
        let e =
            parse("[permissions.filesystem]\nread = [\"a\"]\nexecute = true\n").expect_err("typo");
        assert!(
            e.message.contains("execute") && e.at.map(|a| a.0) == Some(3),
            "{e}"
        );
        let e = parse("[[permissions.network]]\nhost = \"a.com\"\nprotocol = \"gopher\"\n")
            .expect_err("protocol");
        assert!(
            e.message.contains("gopher") || e.message.contains("variant"),
            "{e}"
        );
    }

    #[test]
    fn bounds_are_the_flags_bounds() {
        let e = parse("[limits]\nmemory_mb = 100000\n").expect_err("bounds");
        assert!(e.message.contains("memory"), "{e}");
        let e = parse("[permissions.limits]\nfs_max_file_bytes = 0\n").expect_err("bounds");
        assert!(e.message.contains("fs_max_file_bytes"), "{e}");
        let e = parse("[permissions.filesystem]\nwrite = [\"out\"]\n").expect_err("write");
        assert!(e.message.contains("refused in this version"), "{e}");
        let e = parse("[permissions]\nmodules = [\"child_process\"]\n").expect_err("never");
        assert!(e.message.contains("never be granted"), "{e}");
        let e = parse("[[permissions.network]]\nhost = \"https://a.com\"\nprotocol = \"https\"\n")
            .expect_err("scheme");
        assert!(e.message.contains("URL"), "{e}");
    }

    #[test]
    fn flags_add_to_the_manifest_and_deny_all_ignores_its_grants() {
        let m = parse(
            "[permissions]\nmodules = [\"path\"]\n[permissions.filesystem]\nread = [\"data\"]\n[permissions.limits]\nfs_max_ops = 5\n",
        )
        .expect("manifest");
        let o = Overrides {
            modules: vec!["events".into()],
            ..Overrides::default()
        };
        let p = m.permissions(&o);
        assert_eq!(p.modules, ["path", "events"]);
        assert_eq!(p.filesystem.read, [PathBuf::from("/plugins/p/data")]);
        let o = Overrides {
            deny_all: true,
            modules: vec!["events".into()],
            ..Overrides::default()
        };
        let p = m.permissions(&o);
        assert_eq!(p.modules, ["events"]);
        assert!(p.filesystem.read.is_empty());
        assert_eq!(p.limits.fs_max_ops, 5, "limits only restrict: kept");
        let p = permissions_for(None, &Overrides::default());
        assert_eq!(p, Permissions::default());
        let none = permissions_for(
            None,
            &Overrides {
                deny_all: true,
                ..Overrides::default()
            },
        );
        assert_eq!(none, Permissions::none());
        assert!(!none.allows_module("path"));
    }
}
