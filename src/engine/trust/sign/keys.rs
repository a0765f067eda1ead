//! Ed25519 key files: creation with mode 0600, loading (refusing keys others can read), listing.

use super::{SignersError, MAX_SMALL_FILE};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::Serialize;
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why a key operation failed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("invalid key name '{0}': use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' or '-'")]
    InvalidName(String),
    #[error("a key named '{name}' already exists at {}", path.display())]
    Exists { name: String, path: PathBuf },
    #[error("no key named '{name}' (looked for {})", path.display())]
    NotFound { name: String, path: PathBuf },
    #[error("no signing key yet: create one with `sandbench key new NAME`")]
    NoKeys,
    #[error("several signing keys ({}): choose one with --key NAME", .0.join(", "))]
    SeveralKeys(Vec<String>),
    #[error("{}: permissions {mode:o} let others read this private key; run `chmod 600` on it", path.display())]
    Permissions { path: PathBuf, mode: u32 },
    #[error("{}: not a valid PKCS#8 Ed25519 private key: {reason}", path.display())]
    BadKey { path: PathBuf, reason: String },
    #[error("invalid public key: {0} (expected base64 of the raw 32-byte Ed25519 key)")]
    BadPublicKey(String),
    #[error("no data directory (set SANDBENCH_DATA_DIR)")]
    NoDataDir,
    #[error("no config directory (set SANDBENCH_CONFIG_DIR)")]
    NoConfigDir,
    #[error("signer '{name}' is already trusted with a different key; remove its line from {} first", path.display())]
    NameTaken { name: String, path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Signers(#[from] SignersError),
}

pub(super) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `KeyError::BadKey` for `path`, the reason being the error given.
fn bad_key<E: std::fmt::Display>(path: &Path) -> impl FnOnce(E) -> KeyError + '_ {
    move |e| KeyError::BadKey {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// Key and signer names: safe as file names and as bare TOML keys.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The public key as printed and as stored in `trusted_signers.toml`.
pub fn public_key_b64(key: &VerifyingKey) -> String {
    B64.encode(key.to_bytes())
}

/// Parses base64 of a raw 32-byte Ed25519 public key (and checks it is a valid point).
pub fn parse_public_key(s: &str) -> Result<VerifyingKey, KeyError> {
    let bytes = B64
        .decode(s.trim())
        .map_err(|e| KeyError::BadPublicKey(format!("not base64 ({e})")))?;
    let raw: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| KeyError::BadPublicKey(format!("{} bytes, not 32", bytes.len())))?;
    VerifyingKey::from_bytes(&raw)
        .map_err(|_| KeyError::BadPublicKey("not a point on the curve".to_string()))
}

/// A short fingerprint for displays: the first 16 characters of the base64 key.
pub fn key_id(key: &VerifyingKey) -> String {
    public_key_b64(key).chars().take(16).collect()
}

/// Where private keys live.
pub fn keys_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

fn private_key_path(data_dir: &Path, name: &str) -> PathBuf {
    keys_dir(data_dir).join(format!("{name}.pem"))
}

pub(super) fn public_key_path(data_dir: &Path, name: &str) -> PathBuf {
    keys_dir(data_dir).join(format!("{name}.pub"))
}

/// A key as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    pub name: String,
    /// Base64 of the raw 32-byte public key.
    pub public_key: String,
    pub path: PathBuf,
}

/// Creates a key pair `name`: the private key in `DATA/keys/NAME.pem` (0600), the public key in
/// `NAME.pub`. Fails if the name is taken. Randomness comes from the OS.
pub fn generate_key(data_dir: &Path, name: &str) -> Result<KeyInfo, KeyError> {
    if !valid_name(name) {
        return Err(KeyError::InvalidName(name.to_string()));
    }
    let dir = keys_dir(data_dir);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(io_err(&dir))?;
    let path = private_key_path(data_dir, name);
    if path.exists() {
        return Err(KeyError::Exists {
            name: name.to_string(),
            path,
        });
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Io {
        path: path.clone(),
        source: std::io::Error::other(format!("no randomness from the OS: {e}")),
    })?;
    let key = SigningKey::from_bytes(&seed);
    seed.fill(0);
    let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(bad_key(&path))?;
    crate::engine::trust::write_atomic(&path, pem.as_bytes(), 0o600, false, true).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists {
                name: name.to_string(),
                path: path.clone(),
            }
        } else {
            io_err(&path)(e)
        }
    })?;
    let public = key.verifying_key();
    let pub_path = public_key_path(data_dir, name);
    let pub_pem = public
        .to_public_key_pem(LineEnding::LF)
        .map_err(bad_key(&pub_path))?;
    crate::engine::trust::write_atomic(&pub_path, pub_pem.as_bytes(), 0o644, true, true)
        .map_err(io_err(&pub_path))?;
    Ok(KeyInfo {
        name: name.to_string(),
        public_key: public_key_b64(&public),
        path,
    })
}

/// Reads at most `max` bytes of a regular file without following a final symlink.
pub(super) fn read_capped(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > max {
        return Err(std::io::Error::other(format!(
            "{} bytes is over the {max}-byte limit",
            meta.len()
        )));
    }
    let mut out = Vec::new();
    f.take(max + 1).read_to_end(&mut out)?;
    Ok(out)
}

/// Loads the private key `name`, refusing one that others can read.
pub fn load_signing_key(data_dir: &Path, name: &str) -> Result<SigningKey, KeyError> {
    if !valid_name(name) {
        return Err(KeyError::InvalidName(name.to_string()));
    }
    let path = private_key_path(data_dir, name);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(KeyError::NotFound {
                name: name.to_string(),
                path,
            })
        }
        Err(e) => return Err(io_err(&path)(e)),
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::Permissions { path, mode });
    }
    let bytes = read_capped(&path, MAX_SMALL_FILE).map_err(io_err(&path))?;
    let text = String::from_utf8(bytes).map_err(|_| bad_key(&path)("not text"))?;
    SigningKey::from_pkcs8_pem(&text).map_err(bad_key(&path))
}

/// Every key pair in the data directory, by name.
pub fn list_keys(data_dir: &Path) -> Result<Vec<KeyInfo>, KeyError> {
    let dir = keys_dir(data_dir);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(&dir)(e)),
    };
    let mut out = Vec::new();
    for entry in entries.take(10_000) {
        let entry = entry.map_err(io_err(&dir))?;
        let file = entry.file_name();
        let Some(name) = file.to_str().and_then(|n| n.strip_suffix(".pem")) else {
            continue;
        };
        if !valid_name(name) {
            continue;
        }
        let key = load_signing_key(data_dir, name)?;
        out.push(KeyInfo {
            name: name.to_string(),
            public_key: public_key_b64(&key.verifying_key()),
            path: entry.path(),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The key to sign with: the one named, or the only one there is.
pub fn pick_signing_key(
    data_dir: &Path,
    name: Option<&str>,
) -> Result<(String, SigningKey), KeyError> {
    if let Some(n) = name {
        return Ok((n.to_string(), load_signing_key(data_dir, n)?));
    }
    let keys = list_keys(data_dir)?;
    match keys.as_slice() {
        [] => Err(KeyError::NoKeys),
        [only] => Ok((only.name.clone(), load_signing_key(data_dir, &only.name)?)),
        many => Err(KeyError::SeveralKeys(
            many.iter().map(|k| k.name.clone()).collect(),
        )),
    }
}
