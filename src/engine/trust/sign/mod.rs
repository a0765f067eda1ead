//! Ed25519 keys, trusted signers, and detached signatures over a plugin's identity.
//!
//! - Private keys: `DATA/keys/NAME.pem`, PKCS#8 PEM, created with mode 0600 (never readable by
//!   others, not even for a moment: the file is born with that mode and linked into place), in
//!   a directory created 0700. A key file readable by group or others is refused, like ssh does.
//!   Public keys: `DATA/keys/NAME.pub` (SPKI PEM), and printed as base64 of the raw 32 bytes.
//! - Trusted signers: `CONFIG/trusted_signers.toml`, `name = "base64 of the raw 32-byte key"`.
//!   Trust is by key: a signature is accepted when its key is listed, under whatever name.
//! - Signatures: `FILE.sig` beside a file, `DIR/.sandbench.sig` inside a directory (left out of
//!   the directory's Merkle root). TOML, see [`SignatureFile`]; the bytes signed are
//!   [`signed_message`]. A file's signature also covers `sandbench.toml` beside it (its manifest)
//!   and the file's name; a directory's covers every file in it, the manifest included.

mod keys;
mod signers;

pub use keys::*;
pub use signers::*;

use super::merkle::{self, hex, Identity, Leaf, MerkleError, SIG_FILE_NAME};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The trusted signers file in the config directory.
pub const SIGNERS_FILE: &str = "trusted_signers.toml";
/// A plugin's manifest (issue 11), covered by the signature when present.
pub const MANIFEST_FILE: &str = "sandbench.toml";
/// Format version written and accepted.
pub const SIG_VERSION: u32 = 1;
pub const ALGORITHM: &str = "ed25519";
/// Domain tag at the start of every signed message.
const SIG_DOMAIN: &[u8] = b"sandbench-signature-v1";
/// Largest signature file read (a directory's file list makes it grow).
const MAX_SIG_BYTES: u64 = 16 * 1024 * 1024;
/// Largest key or signers file read.
pub(super) const MAX_SMALL_FILE: u64 = 1024 * 1024;
/// How many directories above a file `run` looks for a plugin directory's signature.
const MAX_SIG_SEARCH_DEPTH: usize = 8;

/// What a signature says, as stored in the signature file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureFile {
    pub version: u32,
    pub algorithm: String,
    /// `file` or `dir`.
    pub kind: String,
    /// A file's base name (bound, so a renamed file no longer matches); empty for a directory.
    #[serde(default)]
    pub name: String,
    /// The file's SHA-256 or the directory's Merkle root, hex.
    pub root: String,
    /// SHA-256 of the manifest (`sandbench.toml`) when there was one, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// The name the signer gave; shown, but trust is decided by `public_key`.
    pub signer: String,
    /// Base64 of the raw 32-byte public key.
    pub public_key: String,
    /// When it was signed (UTC, RFC 3339).
    pub signed_at: String,
    /// Base64 of the 64-byte Ed25519 signature over [`signed_message`].
    pub signature: String,
    /// A directory's leaves, so `verify` can say which files changed. Not signed itself: it
    /// is accepted only if it reproduces the signed root.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<SignedLeaf>,
}

/// One leaf as recorded in a directory's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedLeaf {
    pub path: String,
    pub sha256: String,
    pub leaf: String,
}

/// The exact bytes an Ed25519 signature covers: the domain tag `sandbench-signature-v1`,
/// then for each of kind, name, root, manifest (empty when absent), signer, public_key and
/// signed_at in that order: u32 big-endian length of the field name, the name, u32
/// big-endian length of the value, the value (UTF-8).
pub fn signed_message(s: &SignatureFile) -> Vec<u8> {
    let mut m = Vec::with_capacity(256);
    m.extend_from_slice(SIG_DOMAIN);
    let fields: [(&str, &str); 7] = [
        ("kind", &s.kind),
        ("name", &s.name),
        ("root", &s.root),
        ("manifest", s.manifest.as_deref().unwrap_or("")),
        ("signer", &s.signer),
        ("public_key", &s.public_key),
        ("signed_at", &s.signed_at),
    ];
    for (k, v) in fields {
        m.extend_from_slice(&(k.len() as u32).to_be_bytes());
        m.extend_from_slice(k.as_bytes());
        m.extend_from_slice(&(v.len() as u32).to_be_bytes());
        m.extend_from_slice(v.as_bytes());
    }
    m
}

/// Why a signature was not accepted. Each case is its own message; all exit 1 in the CLI.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("unsigned: no signature file at {}", sig_path.display())]
    NoSignature { sig_path: PathBuf },
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: malformed signature file: {reason}", path.display())]
    Malformed { path: PathBuf, reason: String },
    #[error("{}: unsupported signature: {what}", path.display())]
    Unsupported { path: PathBuf, what: String },
    #[error("{}: the signature does not verify: it was made with another key than the one it names, or the signature file was edited", path.display())]
    BadSignature { path: PathBuf },
    #[error("{}: {detail}", path.display())]
    WrongTarget { path: PathBuf, detail: String },
    #[error("content changed since signing: {}", changes.join("; "))]
    Modified { changes: Vec<String> },
    #[error("unknown signer: key {key} (signed as '{signed_as}') is not in trusted_signers")]
    UnknownSigner { signed_as: String, key: String },
    #[error(
        "wrong key: signed as '{name}' with key {key}, but '{name}' is trusted with another key"
    )]
    WrongKey { name: String, key: String },
    #[error(transparent)]
    Hash(#[from] MerkleError),
    #[error(transparent)]
    Signers(#[from] SignersError),
}

/// A signature that checked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// The name this machine trusts the key under.
    pub signer: String,
    /// The name in the signature file (may differ from `signer`).
    pub signed_as: String,
    pub public_key: String,
    pub kind: String,
    pub root: String,
    pub manifest: Option<String>,
    pub signed_at: String,
    pub signature_file: PathBuf,
}

/// Where the signature of `target` lives: `FILE.sig`, or `DIR/.sandbench.sig`.
pub fn signature_path(target: &Path, is_dir: bool) -> PathBuf {
    if is_dir {
        target.join(SIG_FILE_NAME)
    } else {
        let mut s = target.as_os_str().to_os_string();
        s.push(".sig");
        PathBuf::from(s)
    }
}

fn base_name(path: &Path) -> Result<String, MerkleError> {
    let abs = std::path::absolute(path).map_err(|source| MerkleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    abs.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .ok_or_else(|| MerkleError::NotUtf8 {
            path: path.to_path_buf(),
        })
}

/// SHA-256 of `sandbench.toml` in `dir`, when there is one (a symlink is refused).
fn manifest_hash(dir: &Path) -> Result<Option<String>, MerkleError> {
    let path = dir.join(MANIFEST_FILE);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(MerkleError::Io { path, source }),
        Ok(_) => merkle::sha256_file(&path).map(|(h, _)| Some(h)),
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The current UTC time, RFC 3339 with milliseconds.
fn now() -> String {
    super::timestamp(std::time::SystemTime::now())
}

/// Signs `target` (a file or a directory) with `key`, naming the signer `signer`, and writes
/// the signature file. Returns its path and content.
pub fn sign_path(
    target: &Path,
    key: &SigningKey,
    signer: &str,
) -> Result<(PathBuf, SignatureFile), SignError> {
    let id = merkle::hash_path(target)?;
    let public_key = public_key_b64(&key.verifying_key());
    let (kind, name, root, manifest, files, is_dir) = match id {
        Identity::File { sha256, .. } => {
            let manifest = manifest_hash(parent_dir(target))?;
            (
                "file",
                base_name(target)?,
                sha256,
                manifest,
                Vec::new(),
                false,
            )
        }
        Identity::Dir { root, leaves } => {
            if leaves.is_empty() {
                return Err(SignError::Empty(target.to_path_buf()));
            }
            let manifest = leaves
                .iter()
                .find(|l| l.path == MANIFEST_FILE)
                .map(|l| l.sha256.clone());
            let files = leaves
                .into_iter()
                .map(|l| SignedLeaf {
                    path: l.path,
                    sha256: l.sha256,
                    leaf: l.leaf_hash,
                })
                .collect();
            ("dir", String::new(), root, manifest, files, true)
        }
    };
    let mut sig = SignatureFile {
        version: SIG_VERSION,
        algorithm: ALGORITHM.to_string(),
        kind: kind.to_string(),
        name,
        root,
        manifest,
        signer: signer.to_string(),
        public_key,
        signed_at: now(),
        signature: String::new(),
        files,
    };
    sig.signature = B64.encode(key.sign(&signed_message(&sig)).to_bytes());
    let text = format!(
        "# sandbench signature: check it with `sandbench verify {}`\n{}",
        if is_dir { "DIR" } else { "FILE" },
        toml::to_string(&sig).map_err(|e| SignError::Encode(e.to_string()))?
    );
    let path = signature_path(target, is_dir);
    crate::engine::trust::write_atomic(&path, text.as_bytes(), 0o644, true, true).map_err(
        |source| SignError::Write {
            path: path.clone(),
            source,
        },
    )?;
    Ok((path, sig))
}

/// Why `sign` failed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error(transparent)]
    Hash(#[from] MerkleError),
    #[error("{}: nothing to sign (no files)", .0.display())]
    Empty(PathBuf),
    #[error("cannot encode the signature: {0}")]
    Encode(String),
    #[error("{}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl SignatureFile {
    /// Parses and checks a signature file's text: format, version, algorithm, field shapes,
    /// and the Ed25519 signature over the recorded fields. It does not look at the content or
    /// at who is trusted. `path` is for messages.
    pub fn parse(text: &str, path: &Path) -> Result<SignatureFile, VerifyError> {
        let malformed = |reason: String| VerifyError::Malformed {
            path: path.to_path_buf(),
            reason,
        };
        let s: SignatureFile =
            toml::from_str(text).map_err(|e| malformed(e.message().to_string()))?;
        if s.version != SIG_VERSION {
            return Err(VerifyError::Unsupported {
                path: path.to_path_buf(),
                what: format!("version {} (this build reads {SIG_VERSION})", s.version),
            });
        }
        if s.algorithm != ALGORITHM {
            return Err(VerifyError::Unsupported {
                path: path.to_path_buf(),
                what: format!("algorithm '{}' (expected {ALGORITHM})", s.algorithm),
            });
        }
        if s.kind != "file" && s.kind != "dir" {
            return Err(malformed(format!(
                "kind '{}' (expected file or dir)",
                s.kind
            )));
        }
        if merkle::parse_hex32(&s.root).is_none() {
            return Err(malformed("root is not 64 hex digits".to_string()));
        }
        if let Some(m) = &s.manifest {
            if merkle::parse_hex32(m).is_none() {
                return Err(malformed("manifest is not 64 hex digits".to_string()));
            }
        }
        let key =
            parse_public_key(&s.public_key).map_err(|e| malformed(format!("public_key: {e}")))?;
        let sig_bytes = B64
            .decode(s.signature.trim())
            .map_err(|e| malformed(format!("signature is not base64 ({e})")))?;
        let sig = Signature::from_slice(&sig_bytes).map_err(|_| {
            malformed(format!(
                "signature is {} bytes, not 64 (truncated?)",
                sig_bytes.len()
            ))
        })?;
        key.verify_strict(&signed_message(&s), &sig)
            .map_err(|_| VerifyError::BadSignature {
                path: path.to_path_buf(),
            })?;
        if s.kind == "dir" && !s.files.is_empty() {
            let mut hashes = Vec::with_capacity(s.files.len());
            for f in &s.files {
                let h = merkle::parse_hex32(&f.leaf)
                    .ok_or_else(|| malformed(format!("files: leaf of '{}' is not hex", f.path)))?;
                hashes.push(h);
            }
            if hex(&merkle::root_of(&hashes)) != s.root {
                return Err(malformed(
                    "the file list does not reproduce the signed root".to_string(),
                ));
            }
        }
        Ok(s)
    }

    /// Reads and parses a signature file. A missing file is [`VerifyError::NoSignature`].
    pub fn load(path: &Path) -> Result<SignatureFile, VerifyError> {
        let bytes = match read_capped(path, MAX_SIG_BYTES) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VerifyError::NoSignature {
                    sig_path: path.to_path_buf(),
                })
            }
            Err(source) => {
                return Err(VerifyError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let text = String::from_utf8(bytes).map_err(|e| VerifyError::Malformed {
            path: path.to_path_buf(),
            reason: format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        })?;
        SignatureFile::parse(&text, path)
    }

    fn verifying_key(&self) -> Option<VerifyingKey> {
        parse_public_key(&self.public_key).ok()
    }

    /// Who signed, if this machine trusts the key. Call after [`SignatureFile::parse`].
    pub fn trusted_signer(&self, signers: &TrustedSigners) -> Result<String, VerifyError> {
        let Some(key) = self.verifying_key() else {
            return Err(VerifyError::UnknownSigner {
                signed_as: self.signer.clone(),
                key: self.public_key.clone(),
            });
        };
        if let Some(name) = signers.name_of(&key) {
            return Ok(name.to_string());
        }
        if signers.key_of(&self.signer).is_some() {
            return Err(VerifyError::WrongKey {
                name: self.signer.clone(),
                key: key_id(&key),
            });
        }
        Err(VerifyError::UnknownSigner {
            signed_as: self.signer.clone(),
            key: key_id(&key),
        })
    }

    /// Checks a file signature against the file's current name, bytes and manifest. Pure: the
    /// workbench calls it with the buffer on every edit.
    pub fn check_file_content(
        &self,
        sig_path: &Path,
        name: &str,
        content: &[u8],
        manifest: Option<&str>,
    ) -> Result<(), VerifyError> {
        self.check_file_hash(sig_path, name, &merkle::sha256(content), manifest)
    }

    /// [`SignatureFile::check_file_content`] given the content's SHA-256 (hex).
    pub fn check_file_hash(
        &self,
        sig_path: &Path,
        name: &str,
        sha256: &str,
        manifest: Option<&str>,
    ) -> Result<(), VerifyError> {
        if self.kind != "file" {
            return Err(VerifyError::WrongTarget {
                path: sig_path.to_path_buf(),
                detail: "signs a directory, not a file".to_string(),
            });
        }
        let mut changes = Vec::new();
        if self.name != name {
            changes.push(format!("renamed: signed as '{}', now '{name}'", self.name));
        }
        if sha256 != self.root {
            changes.push(format!("modified: {}", self.name));
        }
        changes.extend(manifest_change(self.manifest.as_deref(), manifest));
        if changes.is_empty() {
            Ok(())
        } else {
            Err(VerifyError::Modified { changes })
        }
    }

    /// Checks a directory signature against the directory's current leaves (and root).
    pub fn check_dir_content(
        &self,
        sig_path: &Path,
        root: &str,
        leaves: &[Leaf],
    ) -> Result<(), VerifyError> {
        if self.kind != "dir" {
            return Err(VerifyError::WrongTarget {
                path: sig_path.to_path_buf(),
                detail: "signs a file, not a directory".to_string(),
            });
        }
        if self.root == root {
            return Ok(());
        }
        Err(VerifyError::Modified {
            changes: diff_leaves(&self.files, leaves),
        })
    }
}

fn manifest_change(signed: Option<&str>, now: Option<&str>) -> Option<String> {
    match (signed, now) {
        (None, None) => None,
        (Some(a), Some(b)) if a == b => None,
        (Some(_), Some(_)) => Some(format!(
            "modified: {MANIFEST_FILE} (the plugin's manifest: its permissions may have changed)"
        )),
        (None, Some(_)) => Some(format!(
            "added: {MANIFEST_FILE} (a manifest that was not signed)"
        )),
        (Some(_), None) => Some(format!("removed: {MANIFEST_FILE}")),
    }
}

/// Most changes named in one message (the rest are counted).
const MAX_CHANGES_LISTED: usize = 20;

/// Names what changed between the signed leaves and the current ones: modified, added,
/// removed, and renamed (a removed file whose content reappears under a new name).
fn diff_leaves(signed: &[SignedLeaf], now: &[Leaf]) -> Vec<String> {
    if signed.is_empty() {
        return vec!["the directory's root differs (the signature lists no files)".to_string()];
    }
    let old: BTreeMap<&str, &SignedLeaf> = signed.iter().map(|l| (l.path.as_str(), l)).collect();
    let new: BTreeMap<&str, &Leaf> = now.iter().map(|l| (l.path.as_str(), l)).collect();
    let mut modified = Vec::new();
    let mut removed: Vec<&SignedLeaf> = Vec::new();
    let mut added: Vec<&Leaf> = Vec::new();
    for (p, o) in &old {
        match new.get(p) {
            Some(n) if n.leaf_hash == o.leaf => {}
            Some(_) => modified.push(*p),
            None => removed.push(o),
        }
    }
    for (p, n) in &new {
        if !old.contains_key(p) {
            added.push(n);
        }
    }
    let mut changes = Vec::new();
    for p in modified {
        if p == MANIFEST_FILE {
            changes.push(format!(
                "modified: {MANIFEST_FILE} (the plugin's manifest: its permissions may have changed)"
            ));
        } else {
            changes.push(format!("modified: {p}"));
        }
    }
    let mut still_added: Vec<&Leaf> = Vec::new();
    for a in added {
        if let Some(i) = removed.iter().position(|r| r.sha256 == a.sha256) {
            let r = removed.remove(i);
            changes.push(format!("renamed: {} → {}", r.path, a.path));
        } else {
            still_added.push(a);
        }
    }
    changes.extend(still_added.iter().map(|a| format!("added: {}", a.path)));
    changes.extend(removed.iter().map(|r| format!("removed: {}", r.path)));
    if changes.is_empty() {
        changes.push("the directory's root differs".to_string());
    }
    if changes.len() > MAX_CHANGES_LISTED {
        let more = changes.len() - MAX_CHANGES_LISTED;
        changes.truncate(MAX_CHANGES_LISTED);
        changes.push(format!("… {more} more"));
    }
    changes
}

fn verified(sig: SignatureFile, signer: String, sig_path: PathBuf) -> Verified {
    Verified {
        signer,
        signed_as: sig.signer,
        public_key: sig.public_key,
        kind: sig.kind,
        root: sig.root,
        manifest: sig.manifest,
        signed_at: sig.signed_at,
        signature_file: sig_path,
    }
}

/// `sandbench verify PATH`: checks the signature of a file or directory against its current
/// content and the trusted signers. Order: the signature file itself (format, Ed25519), then
/// that it is for this kind of target, then the content, then the signer.
pub fn verify_path(target: &Path, signers: &TrustedSigners) -> Result<Verified, VerifyError> {
    let meta = std::fs::symlink_metadata(target).map_err(|source| VerifyError::Read {
        path: target.to_path_buf(),
        source,
    })?;
    if meta.file_type().is_symlink() {
        return Err(MerkleError::Symlink {
            path: target.to_path_buf(),
        }
        .into());
    }
    let is_dir = meta.is_dir();
    let sig_path = signature_path(target, is_dir);
    let sig = SignatureFile::load(&sig_path)?;
    if is_dir {
        if sig.kind != "dir" {
            return Err(VerifyError::WrongTarget {
                path: sig_path,
                detail: "signs a file, not a directory".to_string(),
            });
        }
        let Identity::Dir { root, leaves } = merkle::hash_path(target)? else {
            return Err(VerifyError::WrongTarget {
                path: sig_path,
                detail: "the target is no longer a directory".to_string(),
            });
        };
        sig.check_dir_content(&sig_path, &root, &leaves)?;
    } else {
        // Streamed: a large file is hashed, not held.
        let (sha, _) = merkle::sha256_file(target)?;
        let name = base_name(target)?;
        let manifest = manifest_hash(parent_dir(target))?;
        sig.check_file_hash(&sig_path, &name, &sha, manifest.as_deref())?;
    }
    let signer = sig.trusted_signer(signers)?;
    Ok(verified(sig, signer, sig_path))
}

/// A signature found for a file about to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FoundSignature {
    /// `FILE.sig` beside the file.
    File(PathBuf),
    /// `DIR/.sandbench.sig` in an enclosing directory.
    Dir { dir: PathBuf, sig: PathBuf },
}

impl FoundSignature {
    pub fn sig_path(&self) -> &Path {
        match self {
            FoundSignature::File(p) => p,
            FoundSignature::Dir { sig, .. } => sig,
        }
    }
}

fn exists_nofollow(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

/// The signature that would cover `file`: `FILE.sig`, else the nearest enclosing directory
/// (at most 8 levels up) holding a `.sandbench.sig`.
pub fn find_signature_for_file(file: &Path) -> Option<FoundSignature> {
    if file.as_os_str() == "-" {
        return None;
    }
    let own = signature_path(file, false);
    if exists_nofollow(&own) {
        return Some(FoundSignature::File(own));
    }
    let abs = std::path::absolute(file).ok()?;
    for dir in abs.ancestors().skip(1).take(MAX_SIG_SEARCH_DEPTH) {
        let sig = dir.join(SIG_FILE_NAME);
        if exists_nofollow(&sig) {
            return Some(FoundSignature::Dir {
                dir: dir.to_path_buf(),
                sig,
            });
        }
    }
    None
}

/// For a file signature (`FILE.sig`): the SHA-256 it covers, and whether content with that
/// hash would verify here now (same name and manifest, trusted signer). `None` for a directory
/// signature or an unreadable one. The workbench uses it to tell, as the buffer is edited,
/// when the text is back to what was signed.
pub fn signed_file_hash(
    found: &FoundSignature,
    file: &Path,
    signers: &TrustedSigners,
) -> Option<(String, Result<Verified, VerifyError>)> {
    let FoundSignature::File(sig_path) = found else {
        return None;
    };
    let sig = SignatureFile::load(sig_path).ok()?;
    if sig.kind != "file" {
        return None;
    }
    let root = sig.root.clone();
    let check = (|| {
        let name = base_name(file)?;
        let manifest = manifest_hash(parent_dir(file))?;
        sig.check_file_hash(sig_path, &name, &root, manifest.as_deref())?;
        let signer = sig.trusted_signer(signers)?;
        Ok(verified(sig.clone(), signer, sig_path.clone()))
    })();
    Some((root, check))
}

/// Checks the signature `found` for `file` whose bytes about to run are `content` (so what is
/// verified is what runs, not a second read of the file).
pub fn verify_for_run(
    found: &FoundSignature,
    file: &Path,
    content: &[u8],
    signers: &TrustedSigners,
) -> Result<Verified, VerifyError> {
    match found {
        FoundSignature::File(sig_path) => {
            let sig = SignatureFile::load(sig_path)?;
            let name = base_name(file)?;
            let manifest = manifest_hash(parent_dir(file))?;
            sig.check_file_content(sig_path, &name, content, manifest.as_deref())?;
            let signer = sig.trusted_signer(signers)?;
            Ok(verified(sig, signer, sig_path.clone()))
        }
        FoundSignature::Dir { dir, sig: sig_path } => {
            let sig = SignatureFile::load(sig_path)?;
            let Identity::Dir { leaves, .. } = merkle::hash_path(dir)? else {
                return Err(VerifyError::WrongTarget {
                    path: sig_path.clone(),
                    detail: "the signed directory is not a directory".to_string(),
                });
            };
            let abs = std::path::absolute(file).map_err(|source| VerifyError::Read {
                path: file.to_path_buf(),
                source,
            })?;
            let rel = abs
                .strip_prefix(dir)
                .ok()
                .and_then(|r| r.to_str())
                .unwrap_or_default()
                .to_string();
            // The root with this file's leaf computed from the bytes that will run.
            let Some(root) = merkle::root_with_replaced(&leaves, &rel, content) else {
                return Err(VerifyError::WrongTarget {
                    path: sig_path.clone(),
                    detail: format!(
                        "{} is not one of the signed directory's files",
                        file.display()
                    ),
                });
            };
            let mut now = leaves;
            if let Some(l) = now.iter_mut().find(|l| l.path == rel) {
                l.sha256 = merkle::sha256(content);
                l.leaf_hash = hex(&merkle::leaf_hash(&rel, content));
            }
            sig.check_dir_content(sig_path, &root, &now)?;
            let signer = sig.trusted_signer(signers)?;
            Ok(verified(sig, signer, sig_path.clone()))
        }
    }
}

#[cfg(test)]
mod tests;
