//! Trust and audit: what a plugin is (Merkle root), who vouches for it (Ed25519 signatures
//! checked against trusted signers), what happened when it ran (a hash-chained audit log and
//! an OpenTelemetry span), and what happened over time (stats).
//!
//! Everything here is plain data and functions over paths the caller names: the CLI and the
//! workbench resolve the directories (below) and show the results. Only `telemetry` starts a
//! thread (its exporter's), behind a plain API.

pub mod audit;
pub mod merkle;
pub mod sign;
pub mod stats;
pub mod telemetry;

use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;

/// The error name of a run the trust policy refused (`--require-signed`): its outcome is
/// `blocked` and the message says why.
pub const POLICY_ERROR: &str = "TrustPolicy";

/// The settings file in the config directory; this module reads its `[trust]` and `[audit]`
/// tables and ignores the rest.
pub const CONFIG_FILE: &str = "config.toml";

/// A UTC time as `YYYY-MM-DDTHH:MM:SS.mmmZ` (RFC 3339, always milliseconds), so that such
/// strings sort like the times they name: `stats --since` compares them as text.
pub fn timestamp(t: std::time::SystemTime) -> String {
    let dt = time::OffsetDateTime::from(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.millisecond()
    )
}

/// A random suffix for temporary file names.
fn random_suffix() -> String {
    let mut b = [0u8; 8];
    // A failed getrandom only makes a name collision possible, which create_new reports.
    let _ = getrandom::fill(&mut b);
    merkle::hex(&b)
}

/// Writes `bytes` to `path` atomically with `mode` from the first byte on: a temporary file is
/// created with the mode (`create_new`, so never someone else's file), filled, synced when
/// asked, then renamed (`replace`) or hard-linked (not `replace`: an existing `path` is then
/// an [`std::io::ErrorKind::AlreadyExists`] error) into place.
pub(crate) fn write_atomic(
    path: &Path,
    bytes: &[u8],
    mode: u32,
    replace: bool,
    sync: bool,
) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{base}.tmp.{}.{}",
        std::process::id(),
        random_suffix()
    ));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)?;
    let result = (|| {
        f.write_all(bytes)?;
        if sync {
            f.sync_all()?;
        }
        if replace {
            std::fs::rename(&tmp, path)
        } else {
            // A hard link fails if `path` exists: no window where another file is replaced.
            std::fs::hard_link(&tmp, path)
        }
    })();
    if result.is_err() || !replace {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The `[trust]` and `[audit]` settings of `config.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustConfig {
    /// Refuse to run unsigned or untrusted code unless told otherwise on the command line.
    pub require_signed: bool,
    /// Rotate the audit log when it would grow past this many bytes.
    pub audit_max_bytes: u64,
    /// Rotated audit files kept (the oldest beyond this are deleted).
    pub audit_keep: usize,
}

impl Default for TrustConfig {
    fn default() -> Self {
        TrustConfig {
            require_signed: false,
            audit_max_bytes: audit::DEFAULT_MAX_BYTES,
            audit_keep: audit::DEFAULT_KEEP,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustTable {
    require_signed: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditTable {
    max_bytes: Option<u64>,
    keep: Option<usize>,
}

impl TrustConfig {
    /// Reads `config.toml` from `config_dir`. A missing file gives the defaults; a bad file or
    /// a bad key gives the defaults for what could not be read plus a warning, never an error
    /// (config never takes the app down).
    pub fn load(config_dir: Option<&Path>) -> (TrustConfig, Vec<String>) {
        let mut cfg = TrustConfig::default();
        let mut warnings = Vec::new();
        let Some(dir) = config_dir else {
            return (cfg, warnings);
        };
        let path = dir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (cfg, warnings),
            Err(e) => {
                warnings.push(format!("{}: {e}; using defaults", path.display()));
                return (cfg, warnings);
            }
        };
        let table: toml::Table = match toml::from_str(&text) {
            Ok(t) => t,
            Err(e) => {
                warnings.push(format!(
                    "{}: {}; using defaults",
                    path.display(),
                    e.message()
                ));
                return (cfg, warnings);
            }
        };
        if let Some(v) = table.get("trust") {
            match v.clone().try_into::<TrustTable>() {
                Ok(t) => {
                    if let Some(r) = t.require_signed {
                        cfg.require_signed = r;
                    }
                }
                Err(e) => warnings.push(format!("{} [trust]: {}", path.display(), e.message())),
            }
        }
        if let Some(v) = table.get("audit") {
            match v.clone().try_into::<AuditTable>() {
                Ok(t) => {
                    if let Some(m) = t.max_bytes {
                        if m < audit::MIN_MAX_BYTES {
                            warnings.push(format!(
                                "{} [audit] max_bytes {m} is below {}; using {}",
                                path.display(),
                                audit::MIN_MAX_BYTES,
                                audit::MIN_MAX_BYTES
                            ));
                        }
                        cfg.audit_max_bytes = m.max(audit::MIN_MAX_BYTES);
                    }
                    if let Some(k) = t.keep {
                        if k == 0 {
                            warnings.push(format!(
                                "{} [audit] keep must be at least 1; using 1",
                                path.display()
                            ));
                        }
                        cfg.audit_keep = k.max(1);
                    }
                }
                Err(e) => warnings.push(format!("{} [audit]: {}", path.display(), e.message())),
            }
        }
        (cfg, warnings)
    }
}

/// Where a piece of code stands with respect to signatures. Plain data for the run report,
/// the audit log and the workbench's status bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TrustState {
    /// A valid signature by a trusted signer covers exactly this code (and its manifest).
    Signed {
        signer: String,
        /// The signed root: the file's SHA-256 or the directory's Merkle root.
        root: String,
        /// The signature file.
        signature: String,
    },
    /// No signature covers this code (or it came from standard input).
    Unsigned,
    /// A signature exists but the code (or its manifest) changed since it was made.
    Modified { detail: String, signature: String },
    /// A cryptographically valid signature by a key that is not trusted here.
    Untrusted { detail: String, signature: String },
    /// The signature file is malformed, does not verify, or is for something else.
    Invalid { detail: String, signature: String },
}

impl TrustState {
    /// `signed`, `unsigned`, `modified`, `untrusted` or `invalid`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TrustState::Signed { .. } => "signed",
            TrustState::Unsigned => "unsigned",
            TrustState::Modified { .. } => "modified",
            TrustState::Untrusted { .. } => "untrusted",
            TrustState::Invalid { .. } => "invalid",
        }
    }

    pub fn is_signed(&self) -> bool {
        matches!(self, TrustState::Signed { .. })
    }

    /// One line for a person: "signed by alice", "unsigned", "modified since signing: …".
    pub fn describe(&self) -> String {
        match self {
            TrustState::Signed { signer, .. } => format!("signed by {signer}"),
            TrustState::Unsigned => "unsigned".to_string(),
            TrustState::Modified { detail, .. } => format!("modified since signing: {detail}"),
            TrustState::Untrusted { detail, .. } => format!("untrusted: {detail}"),
            TrustState::Invalid { detail, .. } => format!("invalid signature: {detail}"),
        }
    }
}

/// A run's trust state as its records keep it (an audit line, a telemetry span): the state's
/// name and, when signed, who signed what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustRecord {
    /// The signed root (file SHA-256 or directory Merkle root) when the code is signed.
    pub merkle_root: Option<String>,
    pub signer: Option<String>,
    /// `signed`, `unsigned`, `modified`, `untrusted` or `invalid`.
    #[serde(rename = "trust")]
    pub state: String,
}

impl From<&TrustState> for TrustRecord {
    fn from(t: &TrustState) -> Self {
        let (merkle_root, signer) = match t {
            TrustState::Signed { signer, root, .. } => (Some(root.clone()), Some(signer.clone())),
            _ => (None, None),
        };
        TrustRecord {
            merkle_root,
            signer,
            state: t.as_str().to_string(),
        }
    }
}

/// The trust state of a file about to run, whose bytes the caller already holds (`content`):
/// what is checked is exactly what will run, not a second read of the file. Looks for
/// `FILE.sig` beside it, else a `.sandbench.sig` in the nearest enclosing directory that has
/// one (a signed plugin directory, which must then cover this file with these bytes).
pub fn check_file(path: &Path, content: &[u8], signers: &sign::TrustedSigners) -> TrustState {
    let Some(found) = sign::find_signature_for_file(path) else {
        return TrustState::Unsigned;
    };
    let sig_display = found.sig_path().display().to_string();
    match sign::verify_for_run(&found, path, content, signers) {
        Ok(v) => TrustState::Signed {
            signer: v.signer,
            root: v.root,
            signature: sig_display,
        },
        Err(e) => state_of_error(&e, sig_display),
    }
}

/// What the workbench needs to know a buffer's trust state as it is edited, without IO:
/// the states of the contents checked (by SHA-256) and what any other content is. Built by
/// [`TrustBasis::check`] (IO: the signature, the signed directory) when a file is opened or
/// saved; [`TrustBasis::state_for`] is pure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustBasis {
    /// (SHA-256 of a content, its state): the content checked, and for a file signature the
    /// content it covers.
    known: Vec<(String, TrustState)>,
    /// The state of any other content.
    other: TrustState,
}

impl TrustBasis {
    /// The basis for `content` of the file at `path` (a buffer opened or saved).
    pub fn check(path: &Path, content: &[u8], signers: &sign::TrustedSigners) -> TrustBasis {
        let sha = merkle::sha256(content);
        let now = check_file(path, content, signers);
        let found = sign::find_signature_for_file(path);
        let signature = found
            .as_ref()
            .map(|f| f.sig_path().display().to_string())
            .unwrap_or_default();
        let mut known = vec![(sha, now.clone())];
        if let Some((root, check)) = found
            .as_ref()
            .and_then(|f| sign::signed_file_hash(f, path, signers))
        {
            if root != known[0].0 {
                let state = match check {
                    Ok(v) => TrustState::Signed {
                        signer: v.signer,
                        root: v.root,
                        signature: signature.clone(),
                    },
                    Err(e) => state_of_error(&e, signature.clone()),
                };
                known.push((root, state));
            }
        }
        let other = match &now {
            TrustState::Unsigned => TrustState::Unsigned,
            // A bad signature file stays bad whatever the buffer holds.
            TrustState::Invalid { .. } => now.clone(),
            TrustState::Signed { .. }
            | TrustState::Modified { .. }
            | TrustState::Untrusted { .. } => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                TrustState::Modified {
                    detail: format!("modified: {name} (edited since signing)"),
                    signature,
                }
            }
        };
        TrustBasis { known, other }
    }

    /// A basis for code that is no file (a sample, an untitled buffer): unsigned.
    pub fn unsigned() -> TrustBasis {
        TrustBasis {
            known: Vec::new(),
            other: TrustState::Unsigned,
        }
    }

    /// The state of content whose SHA-256 (hex) is `sha256`.
    pub fn state_for(&self, sha256: &str) -> &TrustState {
        self.known
            .iter()
            .find(|(h, _)| h == sha256)
            .map_or(&self.other, |(_, s)| s)
    }
}

/// The trust state a verification error stands for.
pub fn state_of_error(e: &sign::VerifyError, signature: String) -> TrustState {
    use sign::VerifyError as V;
    let detail = e.to_string();
    match e {
        V::NoSignature { .. } => TrustState::Unsigned,
        V::Modified { changes } => TrustState::Modified {
            detail: changes.join("; "),
            signature,
        },
        V::UnknownSigner { .. } | V::WrongKey { .. } => TrustState::Untrusted { detail, signature },
        _ => TrustState::Invalid { detail, signature },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_fixed_width_utc() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_123);
        assert_eq!(timestamp(t), "2023-11-14T22:13:20.123Z");
        assert_eq!(timestamp(std::time::UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn config_defaults_overrides_and_warnings() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            TrustConfig::load(Some(dir.path())),
            (TrustConfig::default(), vec![])
        );
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[trust]\nrequire_signed = true\n[audit]\nmax_bytes = 2000000\nkeep = 3\n[theme]\nname = 'x'\n",
        )
        .expect("write");
        let (cfg, w) = TrustConfig::load(Some(dir.path()));
        assert!(w.is_empty(), "{w:?}");
        assert!(cfg.require_signed);
        assert_eq!((cfg.audit_max_bytes, cfg.audit_keep), (2_000_000, 3));

        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[trust]\nrequire_signd = true\n",
        )
        .expect("write");
        let (cfg, w) = TrustConfig::load(Some(dir.path()));
        assert!(!cfg.require_signed);
        assert!(w[0].contains("require_signd"), "{w:?}");

        std::fs::write(dir.path().join(CONFIG_FILE), "[trust\n").expect("write");
        let (cfg, w) = TrustConfig::load(Some(dir.path()));
        assert_eq!(cfg, TrustConfig::default());
        assert_eq!(w.len(), 1, "{w:?}");
    }
}
