//! `run`'s permissions: the plugin manifest (`sandbench.toml` beside each file, or
//! `--manifest FILE`) and the flags laid over it (`--allow-read DIR`, `--allow-net
//! HOST[:PORT]`, `--allow-module NAME`, `--deny-all`). Grants from flags are added to the
//! manifest's; limits from flags replace the manifest's; `--deny-all` ignores the manifest's
//! grants and the default modules (its limits still apply: they only restrict). Nothing is
//! granted that neither names.

use crate::engine::policy::manifest::{
    permissions_for, source_of, GrantSource, LimitOverrides, Manifest, Overrides,
};
use crate::engine::policy::{Grant, Limits, NetGrant, Permissions};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Args)]
pub struct PermissionArgs {
    /// The plugin manifest for every file (default: `sandbench.toml` beside each file).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Let scripts read files beneath DIR (repeatable; `require('fs')` needs one).
    #[arg(long = "allow-read", value_name = "DIR")]
    pub allow_read: Vec<PathBuf>,
    /// Let `fetch` reach HOST (`*.example.com` for its subdomains) on PORT (default: 80 for
    /// http, 443 for https; `http://` or `https://` in front for one protocol). Repeatable.
    #[arg(long = "allow-net", value_name = "HOST[:PORT]")]
    pub allow_net: Vec<String>,
    /// Let `require` load the pure module NAME (repeatable; all of them by default).
    #[arg(long = "allow-module", value_name = "NAME")]
    pub allow_module: Vec<String>,
    /// Grant nothing but what the flags name: the manifest's grants and the default modules
    /// are ignored.
    #[arg(long = "deny-all")]
    pub deny_all: bool,
}

/// The checked flags and the explicit manifest, shared by every file of one `run`.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    overrides: Overrides,
    /// `--manifest FILE`, loaded.
    explicit: Option<Manifest>,
}

/// A file's permissions and the manifest they came from.
#[derive(Debug, Clone)]
pub struct FileGrants {
    pub permissions: Permissions,
    pub limits: LimitOverrides,
    pub manifest: Option<PathBuf>,
    /// The flags and the manifest, to say where each grant came from.
    overrides: Overrides,
    loaded: Option<Manifest>,
}

impl FileGrants {
    /// Where `g` came from, as the report says it: `--allow-read /srv/conf`, `manifest
    /// ./sandbench.toml`, `default`.
    pub fn describe(&self, g: &Grant) -> String {
        match source_of(g, self.loaded.as_ref(), &self.overrides) {
            GrantSource::Overrides => g.flag(),
            GrantSource::Manifest(p) => format!("manifest {} ({g})", p.display()),
            GrantSource::Default => format!("default ({g})"),
        }
    }
}

impl Grants {
    /// The grants the flags name (and whether `--deny-all` was given).
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    /// Checks the flags (directories must exist; hosts and modules must be grantable) and
    /// loads `--manifest`. The error is one line for the user.
    pub fn from_args(args: &PermissionArgs) -> Result<Grants, String> {
        let mut o = Overrides {
            deny_all: args.deny_all,
            ..Overrides::default()
        };
        for dir in &args.allow_read {
            let abs = std::path::absolute(dir)
                .map_err(|e| format!("--allow-read {}: {e}", dir.display()))?;
            o.read.push(abs.components().collect());
        }
        for host in &args.allow_net {
            let grants =
                NetGrant::parse_flag(host).map_err(|e| format!("--allow-net {host}: {e}"))?;
            o.network.extend(grants);
        }
        o.modules.extend(args.allow_module.iter().cloned());
        // The flags alone must make valid permissions (the manifest is checked on its own).
        let check = permissions_for(None, &o);
        check.validate().map_err(|e| e.to_string())?;
        check.check_paths().map_err(|e| e.to_string())?;
        let explicit = match &args.manifest {
            Some(path) => Some(Manifest::load(path).map_err(|e| e.to_string())?),
            None => None,
        };
        Ok(Grants {
            overrides: o,
            explicit,
        })
    }

    /// The permissions of one file: `--manifest`, else the `sandbench.toml` beside it (none for
    /// standard input), with the flags laid over.
    pub fn for_file(&self, file: Option<&Path>) -> Result<FileGrants, String> {
        let found;
        let manifest = match (&self.explicit, file) {
            (Some(m), _) => Some(m),
            (None, Some(f)) => match Manifest::beside(f) {
                Some(path) => {
                    found = Manifest::load(&path).map_err(|e| e.to_string())?;
                    Some(&found)
                }
                None => None,
            },
            (None, None) => None,
        };
        let permissions = permissions_for(manifest, &self.overrides);
        permissions.validate().map_err(|e| e.to_string())?;
        permissions.check_paths().map_err(|e| {
            let from = manifest
                .map(|m| format!(" (from {})", m.path.display()))
                .unwrap_or_default();
            format!("{e}{from}")
        })?;
        Ok(FileGrants {
            permissions,
            limits: manifest.map(|m| m.limits).unwrap_or_default(),
            manifest: manifest.map(|m| m.path.clone()),
            overrides: self.overrides.clone(),
            loaded: manifest.cloned(),
        })
    }
}

/// The run limits of a file: the defaults, the manifest's over them, the flags over those.
pub fn limits_for(flags: &LimitOverrides, manifest: &LimitOverrides) -> Result<Limits, String> {
    let l = flags.apply(manifest.apply(Limits::default()));
    l.validate().map_err(|e| e.to_string())?;
    Ok(l)
}
