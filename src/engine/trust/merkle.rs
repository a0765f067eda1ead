//! The content identity of a plugin: the SHA-256 of a file, or the Merkle root over a
//! directory's files.
//!
//! Construction (README "Merkle construction" is the normative text; keep both in step):
//! - The leaves are every regular file beneath the directory, recursively, named by their path
//!   relative to it with `/` between components (UTF-8; other names are refused). The one
//!   exclusion is the signature file [`SIG_FILE_NAME`] at the top level, so that signing a
//!   directory does not change its root. Empty directories contribute nothing. Symlinks,
//!   devices, FIFOs and sockets are refused with an error naming them: a link could point
//!   anywhere, and a root must describe exactly the bytes that will be read.
//! - Leaf hash = SHA-256(0x00 ‖ u64be(len path) ‖ path ‖ u64be(len content) ‖ content). Both
//!   lengths are prefixed, so no (path, content) pair can be read as another.
//! - Node hash = SHA-256(0x01 ‖ left ‖ right). The distinct first bytes keep a leaf from ever
//!   passing as a node (second-preimage attacks on the tree shape).
//! - Leaves are sorted by their path bytes. The root is RFC 6962's Merkle Tree Hash over that
//!   list: level by level, pairs are hashed left to right and an odd last node is carried up
//!   unchanged (never paired with itself: duplicating it would give two lists one root, as in
//!   CVE-2012-2459). One leaf: the root is its leaf hash. No leaf: SHA-256 of nothing.

use crate::engine::hash::sha256_hex;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Name of a directory's own signature file, left out of its root (see the module header).
pub const SIG_FILE_NAME: &str = ".sandbench.sig";
/// Most files in one tree: a walk of a huge directory by mistake stops with an error.
pub const MAX_FILES: usize = 50_000;
/// Deepest directory nesting walked.
pub const MAX_DEPTH: usize = 64;
/// Most bytes hashed over a whole tree (4 GiB).
pub const MAX_TOTAL_BYTES: u64 = 4 << 30;

const LEAF_PREFIX: u8 = 0x00;
const NODE_PREFIX: u8 = 0x01;

/// A SHA-256 digest.
pub type Digest32 = [u8; 32];

/// Why a path could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum MerkleError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: symlinks are refused (a plugin's root must cover the bytes it names, not a link to elsewhere)")]
    Symlink { path: PathBuf },
    #[error("{path}: not a regular file or directory")]
    NotRegular { path: PathBuf },
    #[error("{path}: file name is not UTF-8")]
    NotUtf8 { path: PathBuf },
    #[error("{path}: more than {MAX_FILES} files")]
    TooManyFiles { path: PathBuf },
    #[error("{path}: nested deeper than {MAX_DEPTH} directories")]
    TooDeep { path: PathBuf },
    #[error("{path}: more than {MAX_TOTAL_BYTES} bytes to hash")]
    TooLarge { path: PathBuf },
}

/// One file of a tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leaf {
    /// Relative path, `/`-separated.
    pub path: String,
    pub size: u64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// The leaf hash (see the module header), lowercase hex.
    pub leaf_hash: String,
}

/// What `hash` computes for a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Identity {
    /// A single file: its SHA-256.
    File { sha256: String, size: u64 },
    /// A directory: the Merkle root over its leaves (sorted by path).
    Dir { root: String, leaves: Vec<Leaf> },
}

impl Identity {
    /// The hash that stands for the whole path: the file's SHA-256 or the directory's root.
    pub fn root(&self) -> &str {
        match self {
            Identity::File { sha256, .. } => sha256,
            Identity::Dir { root, .. } => root,
        }
    }
}

/// Lowercase hex of a digest.
pub fn hex(d: &[u8]) -> String {
    let mut s = String::with_capacity(d.len() * 2);
    for b in d {
        s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        s.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    s
}

/// A digest from 64 hex digits, if that is what `s` is.
pub fn parse_hex32(s: &str) -> Option<Digest32> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
        let hi = char::from(chunk[0]).to_digit(16)?;
        let lo = char::from(chunk[1]).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// The leaf hash of `path` with content `content`.
pub fn leaf_hash(path: &str, content: &[u8]) -> Digest32 {
    let mut h = leaf_hasher(path, content.len() as u64);
    h.update(content);
    h.finalize().into()
}

/// A hasher primed with the leaf prefix, path and content length; feed it the content.
fn leaf_hasher(path: &str, content_len: u64) -> Sha256 {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update((path.len() as u64).to_be_bytes());
    h.update(path.as_bytes());
    h.update(content_len.to_be_bytes());
    h
}

/// The node hash of two children.
pub fn node_hash(left: &Digest32, right: &Digest32) -> Digest32 {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root over leaf hashes already in leaf order (sorted by path).
pub fn root_of(leaf_hashes: &[Digest32]) -> Digest32 {
    if leaf_hashes.is_empty() {
        return Sha256::digest([]).into();
    }
    let mut level: Vec<Digest32> = leaf_hashes.to_vec();
    while level.len() > 1 {
        let next: Vec<Digest32> = level
            .chunks(2)
            .map(|pair| match pair {
                [l, r] => node_hash(l, r),
                // The odd last node goes up unchanged.
                [single] => *single,
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
        level = next;
    }
    level[0]
}

/// The root over `(path, content)` pairs in any order: sorted here by path bytes. For tests
/// and for the workbench, which knows the buffer's bytes without writing them out.
pub fn root_of_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Digest32 {
    let mut leaves: Vec<(&str, Digest32)> = files
        .into_iter()
        .map(|(p, c)| (p, leaf_hash(p, c)))
        .collect();
    leaves.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let hashes: Vec<Digest32> = leaves.into_iter().map(|(_, h)| h).collect();
    root_of(&hashes)
}

/// The root of `leaves` (as listed by [`hash_path`]) with the content of `path` replaced by
/// `content`, or `None` when `path` is not one of them. Pure: the workbench calls it on every
/// edit of a file that belongs to a signed directory.
pub fn root_with_replaced(leaves: &[Leaf], path: &str, content: &[u8]) -> Option<String> {
    let mut found = false;
    let mut hashes = Vec::with_capacity(leaves.len());
    for l in leaves {
        if l.path == path {
            found = true;
            hashes.push(leaf_hash(path, content));
        } else {
            hashes.push(parse_hex32(&l.leaf_hash)?);
        }
    }
    found.then(|| hex(&root_of(&hashes)))
}

/// Opens a regular file without following a symlink in its last component, and checks that
/// what was opened is a regular file (it may have been swapped since the walk looked at it).
fn open_regular(path: &Path) -> Result<(std::fs::File, u64), MerkleError> {
    use std::os::unix::fs::OpenOptionsExt;
    let io = |source| MerkleError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                MerkleError::Symlink {
                    path: path.to_path_buf(),
                }
            } else {
                io(e)
            }
        })?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(MerkleError::NotRegular {
            path: path.to_path_buf(),
        });
    }
    Ok((file, meta.len()))
}

/// Hashes a file's content, streaming. Returns (sha256 of content, leaf hash, size).
fn hash_file(path: &Path, rel: &str) -> Result<(Digest32, Digest32, u64), MerkleError> {
    let (mut file, size) = open_regular(path)?;
    let io = |source| MerkleError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut content = Sha256::new();
    let mut leaf = leaf_hasher(rel, size);
    let mut buf = vec![0u8; 64 * 1024];
    let mut read: u64 = 0;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        read += n as u64;
        if read > size {
            // Growing while we read: the length already hashed into the leaf would be wrong.
            return Err(io(std::io::Error::other("file changed while being hashed")));
        }
        content.update(&buf[..n]);
        leaf.update(&buf[..n]);
    }
    if read != size {
        return Err(io(std::io::Error::other("file changed while being hashed")));
    }
    Ok((content.finalize().into(), leaf.finalize().into(), size))
}

/// SHA-256 of one regular file (symlinks refused), streaming.
pub fn sha256_file(path: &Path) -> Result<(String, u64), MerkleError> {
    let (content, _, size) = hash_file(path, "")?;
    Ok((hex(&content), size))
}

/// The identity of `path`: a file's SHA-256 or a directory's Merkle root with its leaves.
/// A symlink given as `path` itself is refused too.
pub fn hash_path(path: &Path) -> Result<Identity, MerkleError> {
    let meta = std::fs::symlink_metadata(path).map_err(|source| MerkleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let ft = meta.file_type();
    if ft.is_symlink() {
        return Err(MerkleError::Symlink {
            path: path.to_path_buf(),
        });
    }
    if ft.is_file() {
        let (sha256, size) = sha256_file(path)?;
        return Ok(Identity::File { sha256, size });
    }
    if !ft.is_dir() {
        return Err(MerkleError::NotRegular {
            path: path.to_path_buf(),
        });
    }
    let mut files = Vec::new();
    walk(path, path, 0, &mut files)?;
    files.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut total: u64 = 0;
    let mut leaves = Vec::with_capacity(files.len());
    let mut hashes = Vec::with_capacity(files.len());
    for (rel, abs) in files {
        let (content, leaf, size) = hash_file(&abs, &rel)?;
        total = total.saturating_add(size);
        if total > MAX_TOTAL_BYTES {
            return Err(MerkleError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        hashes.push(leaf);
        leaves.push(Leaf {
            path: rel,
            size,
            sha256: hex(&content),
            leaf_hash: hex(&leaf),
        });
    }
    Ok(Identity::Dir {
        root: hex(&root_of(&hashes)),
        leaves,
    })
}

/// Collects (relative path, absolute path) of every regular file beneath `dir`.
fn walk(
    top: &Path,
    dir: &Path,
    depth: usize,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), MerkleError> {
    if depth > MAX_DEPTH {
        return Err(MerkleError::TooDeep {
            path: dir.to_path_buf(),
        });
    }
    let io = |source| MerkleError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let abs = entry.path();
        let ft = entry.file_type().map_err(|source| MerkleError::Io {
            path: abs.clone(),
            source,
        })?;
        if ft.is_symlink() {
            return Err(MerkleError::Symlink { path: abs });
        }
        let rel_path = abs.strip_prefix(top).unwrap_or(&abs);
        let Some(rel) = rel_path.to_str() else {
            return Err(MerkleError::NotUtf8 { path: abs });
        };
        // Paths are built from components so `/` is the only separator on Unix already.
        let rel = rel.to_string();
        if ft.is_dir() {
            walk(top, &abs, depth + 1, out)?;
        } else if ft.is_file() {
            if depth == 0 && rel == SIG_FILE_NAME {
                continue;
            }
            if out.len() >= MAX_FILES {
                return Err(MerkleError::TooManyFiles {
                    path: top.to_path_buf(),
                });
            }
            out.push((rel, abs));
        } else {
            return Err(MerkleError::NotRegular { path: abs });
        }
    }
    Ok(())
}

/// SHA-256 hex of bytes (re-exported here so trust callers need one import).
pub fn sha256(bytes: &[u8]) -> String {
    sha256_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// RFC 6962 §2.1 written as the RFC states it (split at the largest power of two below n),
    /// independently of the level-by-level loop in `root_of`.
    fn rfc6962(leaves: &[Digest32]) -> Digest32 {
        match leaves.len() {
            0 => Sha256::digest([]).into(),
            1 => leaves[0],
            n => {
                let mut k = 1;
                while k * 2 < n {
                    k *= 2;
                }
                node_hash(&rfc6962(&leaves[..k]), &rfc6962(&leaves[k..]))
            }
        }
    }

    #[test]
    fn hand_computed_vectors() {
        // Computed independently with Python's hashlib:
        // python3 -c 'import hashlib,struct
        // L=lambda p,c: hashlib.sha256(b"\0"+struct.pack(">Q",len(p))+p+struct.pack(">Q",len(c))+c).digest()
        // N=lambda a,b: hashlib.sha256(b"\1"+a+b).digest()
        // a=L(b"a.js",b"1+1"); b=L(b"lib/b.js",b"export{}"); c=L(b"sandbench.toml",b"")
        // print(a.hex()); print(N(a,b).hex()); print(N(N(a,b),c).hex())'
        let a = leaf_hash("a.js", b"1+1");
        assert_eq!(
            hex(&a),
            "75e8585914d1ca15f4b2221dd75a4a420fc0c4a2c42d7d32952e0931f61b5100"
        );
        let b = leaf_hash("lib/b.js", b"export{}");
        assert_eq!(
            hex(&root_of(&[a, b])),
            "89170f6135383bbda5fbeb7b3d931a2f92ccaf2d58930492f4c8aeb0e71281cd"
        );
        let c = leaf_hash("sandbench.toml", b"");
        assert_eq!(
            hex(&root_of(&[a, b, c])),
            "0245efe26e63a3fbdd1f2bd1c5527d18e9db91d1990e5ad282ef2abdf6613f1d"
        );
        assert_eq!(
            hex(&root_of(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(root_of(&[a]), a, "one leaf: the root is the leaf hash");
    }

    #[test]
    fn level_by_level_equals_rfc6962_for_every_size() {
        for n in 0..40u8 {
            let leaves: Vec<Digest32> = (0..n).map(|i| leaf_hash(&i.to_string(), &[i])).collect();
            assert_eq!(root_of(&leaves), rfc6962(&leaves), "n = {n}");
        }
    }

    #[test]
    fn a_leaf_never_equals_a_node_over_the_same_bytes() {
        let l = leaf_hash("x", b"y");
        let r = leaf_hash("z", b"w");
        let mut raw = Vec::new();
        raw.extend_from_slice(&l);
        raw.extend_from_slice(&r);
        // The same 64 bytes hashed as a node and as plain content differ.
        assert_ne!(node_hash(&l, &r), <[u8; 32]>::from(Sha256::digest(&raw)));
        // Path/content boundary: ("ab", "c") and ("a", "bc") are different leaves.
        assert_ne!(leaf_hash("ab", b"c"), leaf_hash("a", b"bc"));
    }

    #[test]
    fn walks_a_directory_sorted_and_refuses_symlinks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("lib/empty")).expect("mkdir");
        std::fs::write(d.join("lib/b.js"), "export{}").expect("write");
        std::fs::write(d.join("a.js"), "1+1").expect("write");
        std::fs::write(d.join("sandbench.toml"), "").expect("write");
        std::fs::write(d.join(SIG_FILE_NAME), "ignored").expect("write");
        let id = hash_path(d).expect("hash");
        let Identity::Dir { root, leaves } = &id else {
            panic!("a directory: {id:?}")
        };
        let names: Vec<&str> = leaves.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(names, ["a.js", "lib/b.js", "sandbench.toml"]);
        let want = root_of_files([
            ("a.js", &b"1+1"[..]),
            ("lib/b.js", &b"export{}"[..]),
            ("sandbench.toml", &b""[..]),
        ]);
        assert_eq!(root, &hex(&want));
        assert_eq!(leaves[0].sha256, sha256_hex(b"1+1"));
        assert_eq!(
            root_with_replaced(leaves, "a.js", b"1+1").as_deref(),
            Some(root.as_str())
        );
        assert_ne!(
            root_with_replaced(leaves, "a.js", b"1+2").as_deref(),
            Some(root.as_str())
        );
        assert_eq!(root_with_replaced(leaves, "nope.js", b""), None);

        // A signature file below the top level is an ordinary leaf.
        std::fs::write(d.join("lib").join(SIG_FILE_NAME), "x").expect("write");
        assert_ne!(hash_path(d).expect("hash").root(), root);
        std::fs::remove_file(d.join("lib").join(SIG_FILE_NAME)).expect("rm");

        std::os::unix::fs::symlink("/etc/passwd", d.join("lib/link.js")).expect("symlink");
        let err = hash_path(d).expect_err("symlink refused");
        assert!(matches!(err, MerkleError::Symlink { .. }), "{err}");
        assert!(err.to_string().contains("link.js"), "{err}");
        assert!(matches!(
            hash_path(&d.join("lib/link.js")),
            Err(MerkleError::Symlink { .. })
        ));
    }

    #[test]
    fn a_file_is_its_sha256() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("x.js");
        std::fs::write(&f, "2+2").expect("write");
        assert_eq!(
            hash_path(&f).expect("hash"),
            Identity::File {
                sha256: sha256_hex(b"2+2"),
                size: 3
            }
        );
    }

    fn name() -> impl Strategy<Value = String> {
        // Any UTF-8 names, including separators, so nested paths and odd characters occur.
        proptest::collection::vec(
            prop_oneof![
                Just('/'),
                Just('.'),
                any::<char>(),
                "[a-c]".prop_map(|s| s.chars().next().unwrap_or('a'))
            ],
            1..8,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    fn file_set() -> impl Strategy<Value = BTreeMap<String, Vec<u8>>> {
        proptest::collection::btree_map(
            name(),
            proptest::collection::vec(any::<u8>(), 0..40),
            1..12,
        )
    }

    fn root(set: &BTreeMap<String, Vec<u8>>) -> Digest32 {
        root_of_files(set.iter().map(|(p, c)| (p.as_str(), c.as_slice())))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_byte_change_changes_the_root(set in file_set(), pick in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let mut changed = set.clone();
            let key = pick.get(&set.keys().cloned().collect::<Vec<_>>()).clone();
            let content = changed.get_mut(&key).expect("key");
            if content.is_empty() {
                content.push(flip);
            } else {
                let i = at.index(content.len());
                content[i] ^= flip;
            }
            prop_assert_ne!(root(&set), root(&changed));
        }

        #[test]
        fn any_rename_changes_the_root(set in file_set(), pick in any::<prop::sample::Index>(), new in name()) {
            let key = pick.get(&set.keys().cloned().collect::<Vec<_>>()).clone();
            prop_assume!(!set.contains_key(&new));
            let mut changed = set.clone();
            let content = changed.remove(&key).expect("key");
            changed.insert(new, content);
            prop_assert_ne!(root(&set), root(&changed));
        }

        #[test]
        fn adding_or_removing_a_file_changes_the_root(set in file_set(), new in name(), body in proptest::collection::vec(any::<u8>(), 0..20), pick in any::<prop::sample::Index>()) {
            if !set.contains_key(&new) {
                let mut added = set.clone();
                added.insert(new, body);
                prop_assert_ne!(root(&set), root(&added));
            }
            let key = pick.get(&set.keys().cloned().collect::<Vec<_>>()).clone();
            let mut removed = set.clone();
            removed.remove(&key);
            prop_assert_ne!(root(&set), root(&removed));
        }

        #[test]
        fn order_of_listing_does_not_matter(set in file_set()) {
            let mut rev: Vec<(&str, &[u8])> = set.iter().map(|(p, c)| (p.as_str(), c.as_slice())).collect();
            rev.reverse();
            prop_assert_eq!(root(&set), root_of_files(rev));
        }
    }

    proptest! {
        // Through the file system: fewer cases, each writes a tree.
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn a_directory_root_equals_the_in_memory_root(files in proptest::collection::btree_map("[a-z]{1,3}(/[a-z]{1,3}){0,2}\\.js", proptest::collection::vec(any::<u8>(), 0..64), 1..8)) {
            let dir = tempfile::tempdir().expect("tempdir");
            // A name that is also a directory prefix of another cannot be both: skip those sets.
            let names: Vec<&String> = files.keys().collect();
            for a in &names {
                for b in &names {
                    prop_assume!(!b.starts_with(&format!("{a}/")));
                }
            }
            for (p, c) in &files {
                let abs = dir.path().join(p);
                std::fs::create_dir_all(abs.parent().expect("parent")).expect("mkdir");
                std::fs::write(&abs, c).expect("write");
            }
            let id = hash_path(dir.path()).expect("hash");
            prop_assert_eq!(id.root(), hex(&root(&files)));
        }
    }
}
