//! The trusted signers file: `name = "base64 of the raw 32-byte key"`, trusted by key.

use super::keys::{io_err, parse_public_key, public_key_b64, read_capped, valid_name, KeyError};
use super::{MAX_SMALL_FILE, SIGNERS_FILE};
use ed25519_dalek::VerifyingKey;
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// A bad `trusted_signers.toml`.
#[derive(Debug, thiserror::Error)]
pub enum SignersError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not valid TOML: {reason}", path.display())]
    Syntax { path: PathBuf, reason: String },
}

/// The keys this machine trusts, by name.
#[derive(Debug, Clone, Default)]
pub struct TrustedSigners {
    by_name: BTreeMap<String, VerifyingKey>,
    by_key: HashMap<[u8; 32], String>,
}

impl TrustedSigners {
    /// Reads `CONFIG/trusted_signers.toml`. A missing file trusts nobody. An entry that is not
    /// a valid key is skipped with a warning; a file that is not TOML is an error (trust cannot
    /// be decided from it).
    pub fn load(config_dir: &Path) -> Result<(TrustedSigners, Vec<String>), SignersError> {
        let path = config_dir.join(SIGNERS_FILE);
        let bytes = match read_capped(&path, MAX_SMALL_FILE) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((TrustedSigners::default(), Vec::new()))
            }
            Err(source) => return Err(SignersError::Io { path, source }),
        };
        let text = String::from_utf8_lossy(&bytes);
        Self::parse(&text).map_err(|reason| SignersError::Syntax { path, reason })
    }

    /// Parses the signers file's text.
    pub fn parse(text: &str) -> Result<(TrustedSigners, Vec<String>), String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let mut s = TrustedSigners::default();
        let mut warnings = Vec::new();
        for (name, value) in table {
            let Some(v) = value.as_str() else {
                warnings.push(format!(
                    "signer '{name}': the value must be a string; skipped"
                ));
                continue;
            };
            match parse_public_key(v) {
                Ok(k) => s.insert(name, k),
                Err(e) => warnings.push(format!("signer '{name}': {e}; skipped")),
            }
        }
        Ok((s, warnings))
    }

    pub fn insert(&mut self, name: String, key: VerifyingKey) {
        self.by_key.insert(key.to_bytes(), name.clone());
        self.by_name.insert(name, key);
    }

    /// The local name under which `key` is trusted.
    pub fn name_of(&self, key: &VerifyingKey) -> Option<&str> {
        self.by_key.get(&key.to_bytes()).map(String::as_str)
    }

    pub fn key_of(&self, name: &str) -> Option<&VerifyingKey> {
        self.by_name.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &VerifyingKey)> {
        self.by_name.iter().map(|(n, k)| (n.as_str(), k))
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// What [`trust_signer`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustOutcome {
    Added,
    AlreadyTrusted,
}

/// Adds `name = "key"` to `CONFIG/trusted_signers.toml`, appending one line (so comments and
/// hand edits in the file survive).
pub fn trust_signer(
    config_dir: &Path,
    name: &str,
    key: &VerifyingKey,
) -> Result<TrustOutcome, KeyError> {
    if !valid_name(name) {
        return Err(KeyError::InvalidName(name.to_string()));
    }
    std::fs::create_dir_all(config_dir).map_err(io_err(config_dir))?;
    let (signers, _) = TrustedSigners::load(config_dir)?;
    let path = config_dir.join(SIGNERS_FILE);
    if let Some(existing) = signers.key_of(name) {
        if existing == key {
            return Ok(TrustOutcome::AlreadyTrusted);
        }
        return Err(KeyError::NameTaken {
            name: name.to_string(),
            path,
        });
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .read(true)
        .mode(0o644)
        .open(&path)
        .map_err(io_err(&path))?;
    let len = f.metadata().map_err(io_err(&path))?.len();
    let mut line = String::new();
    if len == 0 {
        line.push_str(
            "# Keys whose signatures this machine accepts: name = \"base64 of the raw 32-byte Ed25519 public key\".\n\
             # `sandbench key trust NAME KEY` adds one; delete a line to stop trusting that key.\n",
        );
    } else {
        // Start on a fresh line if the file does not end with one.
        let mut last = [0u8; 1];
        use std::io::{Seek, SeekFrom};
        f.seek(SeekFrom::Start(len - 1)).map_err(io_err(&path))?;
        f.read_exact(&mut last).map_err(io_err(&path))?;
        if last[0] != b'\n' {
            line.push('\n');
        }
    }
    line.push_str(&format!("{name} = \"{}\"\n", public_key_b64(key)));
    f.write_all(line.as_bytes()).map_err(io_err(&path))?;
    Ok(TrustOutcome::Added)
}
