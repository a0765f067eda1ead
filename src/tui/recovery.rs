//! Recovery copies of unsaved buffers, on disk: `DATA/recovery/KEY.json`.
//!
//! The rules (README, "Workbench files"): every session writes its dirty buffer to a copy of
//! its own (a key carries the session, so two workbenches never overwrite each other's copy,
//! and a copy left by a crash is never overwritten by the next session's autosave). A copy is
//! deleted only when its content has been saved (the buffer was saved, or the file on disk
//! now holds exactly that text) or when the user discarded that copy explicitly. Everything
//! else keeps it: quitting, opening another file, declining to restore it.
//!
//! This module is the IO: list (with a summary of each copy against what it would replace),
//! read, write (atomic, owner-only) and delete. The driver calls it from one thread, in order
//! (see `effects.rs`); the App only ever sees [`CopyInfo`] and [`Origin`].

use crate::engine::{hash, text};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Version of the copy format.
pub const FORMAT: u32 = 1;
/// Most copies listed (newest first); more are counted, never deleted.
pub const MAX_LISTED: usize = 100;
/// Largest copy file read (a 1 MB buffer is at most ~6 MB as JSON when every character needs
/// a `\u` escape).
pub const MAX_COPY_BYTES: usize = 8 * 1024 * 1024;
/// Largest original file read to compare a copy with.
pub const MAX_BASE_BYTES: usize = crate::tui::buffer::MAX_BUFFER_BYTES;

/// What a buffer is, and so what its recovery copy would replace: a file (by its path), an
/// embedded sample (by name), or an untitled buffer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    File {
        #[serde(with = "path_repr")]
        path: PathBuf,
    },
    Sample {
        name: String,
    },
    Untitled {
        title: String,
    },
}

impl Origin {
    /// The part of a copy's key that names this origin: a readable stem and a short hash of
    /// the whole identity (two files called `index.js` in different directories differ).
    pub fn key_prefix(&self) -> String {
        let (stem, identity) = match self {
            Origin::File { path } => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (name, path_bytes(path))
            }
            Origin::Sample { name } => (format!("sample-{name}"), name.as_bytes().to_vec()),
            Origin::Untitled { title } => (format!("untitled-{title}"), Vec::new()),
        };
        let mut id = match self {
            Origin::File { .. } => b"file:".to_vec(),
            Origin::Sample { .. } => b"sample:".to_vec(),
            Origin::Untitled { .. } => b"untitled:".to_vec(),
        };
        id.extend_from_slice(&identity);
        let h = hash::sha256_hex(&id);
        format!("{}-{}", safe_stem(&stem), &h[..8])
    }

    /// How the origin is shown: the path (escaped), `sample NAME`, or the title.
    pub fn describe(&self) -> String {
        match self {
            Origin::File { path } => text::escape(&path.to_string_lossy(), false).into_owned(),
            Origin::Sample { name } => format!("sample {}", text::escape(name, false)),
            Origin::Untitled { title } => {
                format!("{} (never saved)", text::escape(title, false))
            }
        }
    }
}

fn path_bytes(p: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str().as_bytes().to_vec()
}

/// A path as a JSON string when it is UTF-8, else as its bytes: a file whose name is not
/// UTF-8 is still recovered to the right place.
mod path_repr {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::os::unix::ffi::OsStringExt;
    use std::path::PathBuf;

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Utf8(String),
        Bytes(Vec<u8>),
    }

    pub(super) fn serialize<S: Serializer>(p: &std::path::Path, s: S) -> Result<S::Ok, S::Error> {
        match p.to_str() {
            Some(t) => Repr::Utf8(t.to_string()),
            None => Repr::Bytes(super::path_bytes(p)),
        }
        .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
        Ok(match Repr::deserialize(d)? {
            Repr::Utf8(t) => PathBuf::from(t),
            Repr::Bytes(b) => PathBuf::from(std::ffi::OsString::from_vec(b)),
        })
    }
}

/// The process that wrote a copy: its id and start time (clock ticks after boot, from
/// `/proc`), so a copy of a workbench that is still running is told apart from one left by a
/// crash even when the process id has been reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub pid: u32,
    pub start: Option<u64>,
}

impl Owner {
    /// This process.
    pub fn me() -> Owner {
        let pid = std::process::id();
        Owner {
            pid,
            start: start_ticks(pid),
        }
    }

    /// Whether this owner is a process running now (and not this one).
    pub fn alive_elsewhere(&self) -> bool {
        if self.pid == std::process::id() {
            return false;
        }
        match (self.start, start_ticks(self.pid)) {
            (Some(a), Some(b)) => a == b,
            // Without a start time a reused id cannot be told apart: count the copy as left
            // behind (the user is asked before anything happens to it).
            _ => false,
        }
    }
}

/// Field 22 of `/proc/PID/stat` (the start time) of a live process, on Linux. A zombie (a
/// workbench killed a moment ago and not yet reaped) counts as gone.
fn start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    // After the command name: field 3 (state) is the first; field 22 the 20th.
    let mut fields = rest.split_whitespace();
    if matches!(fields.next(), Some("Z" | "X" | "x")) {
        return None;
    }
    fields.nth(18)?.parse().ok()
}

/// One copy as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyFile {
    pub v: u32,
    pub origin: Origin,
    /// The buffer's title when it was written (as shown; may differ from the file name).
    pub title: String,
    pub written_unix: u64,
    pub owner: Owner,
    pub text: String,
}

/// What a copy is compared with: the text it would replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The file on disk.
    File,
    /// The file does not exist (any more).
    FileMissing,
    /// The file exists but cannot be read (too large, not UTF-8, no permission).
    FileUnreadable,
    /// The embedded sample.
    Sample,
    /// An untitled buffer started empty.
    Empty,
}

/// A copy as listed: enough to show it and to decide about it, without its text.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyInfo {
    /// The file name under `recovery/` without its extension.
    pub key: String,
    pub origin: Origin,
    /// Escaped for display.
    pub title: String,
    pub written_unix: u64,
    pub bytes: usize,
    pub lines: usize,
    /// The first line (1-based) where the copy differs from its base.
    pub first_changed: Option<usize>,
    pub base: Base,
    /// The process id of a workbench that is still running and owns this copy.
    pub in_use_by: Option<u32>,
    /// A copy from an older version of the workbench (`KEY.js`, text only): where it came
    /// from is unknown.
    pub legacy: bool,
}

/// What a listing found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub copies: Vec<CopyInfo>,
    /// Copies over [`MAX_LISTED`], left on disk.
    pub unlisted: usize,
    /// Copies deleted because the file (or sample) holds exactly their text: their content has
    /// been saved. Escaped titles.
    pub removed: Vec<String>,
    /// Copies that could not be read (kept on disk), one line each.
    pub errors: Vec<String>,
}

/// `DATA/recovery`.
pub fn dir(data: &Path) -> PathBuf {
    data.join("recovery")
}

fn file_of(data: &Path, key: &str) -> PathBuf {
    dir(data).join(format!("{key}.json"))
}

/// A key that can name a file: what [`new_key`] makes, or a listed file's stem. Anything
/// else (a path separator, `..`) is refused before it reaches the file system.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 200
        && !key.starts_with('.')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// A new key for a copy of `origin` written by session `session` (its `n`-th buffer).
pub fn new_key(origin: &Origin, session: &str, n: u64) -> String {
    format!("{}-{}-{n}", origin.key_prefix(), safe_stem(session))
}

/// A file name for a key: safe characters only, at most 40.
pub fn safe_stem(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(40)
        .collect()
}

/// Writes a copy through a temporary file and a rename (a crash never leaves half a copy),
/// readable by the owner only: unsaved work can hold secrets.
pub fn write(data: &Path, key: &str, copy: &CopyFile) -> Result<(), String> {
    if !valid_key(key) {
        return Err(format!("invalid recovery key {key:?}"));
    }
    let d = dir(data);
    create_private_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
    let json = serde_json::to_vec(copy).map_err(|e| e.to_string())?;
    let path = file_of(data, key);
    write_private(&path, &json).map_err(|e| format!("{}: {e}", path.display()))
}

fn create_private_dir(d: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(d)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(bytes)?;
    // The copy is the user's only record of the edit: on disk before the rename.
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

/// Deletes a copy (new format or legacy). A copy already gone is not an error.
pub fn delete(data: &Path, key: &str) -> Result<(), String> {
    if !valid_key(key) {
        return Err(format!("invalid recovery key {key:?}"));
    }
    for ext in ["json", "js"] {
        let p = dir(data).join(format!("{key}.{ext}"));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", p.display())),
        }
    }
    Ok(())
}

/// Reads one copy. A legacy `KEY.js` copy comes back as an untitled buffer named after it.
pub fn read(data: &Path, key: &str) -> Result<CopyFile, String> {
    if !valid_key(key) {
        return Err(format!("invalid recovery key {key:?}"));
    }
    let json = file_of(data, key);
    if json.exists() {
        let bytes = crate::files::read_source(&json, MAX_COPY_BYTES).map_err(|e| e.to_string())?;
        let copy: CopyFile = serde_json::from_str(&bytes)
            .map_err(|e| format!("{}: not a recovery copy ({e})", json.display()))?;
        if copy.v > FORMAT {
            return Err(format!(
                "{}: written by a newer version (format {})",
                json.display(),
                copy.v
            ));
        }
        return Ok(copy);
    }
    let legacy = dir(data).join(format!("{key}.js"));
    let text = crate::files::read_source(&legacy, MAX_BASE_BYTES).map_err(|e| e.to_string())?;
    let written_unix = modified_unix(&legacy);
    Ok(CopyFile {
        v: 0,
        origin: Origin::Untitled {
            title: legacy_title(key),
        },
        title: legacy_title(key),
        written_unix,
        owner: Owner {
            pid: 0,
            start: None,
        },
        text,
    })
}

/// A legacy key was `STEM-HASH12` or `untitled-STEM`: the stem is the best name there is.
fn legacy_title(key: &str) -> String {
    if let Some(rest) = key.strip_prefix("untitled-") {
        return rest.to_string();
    }
    match key.rsplit_once('-') {
        Some((stem, h)) if h.len() == 12 && h.chars().all(|c| c.is_ascii_hexdigit()) => {
            stem.to_string()
        }
        _ => key.to_string(),
    }
}

fn modified_unix(p: &Path) -> u64 {
    std::fs::metadata(p)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs())
}

/// The text a copy of `origin` would replace, and what it is.
pub fn base_text(origin: &Origin) -> (Base, Option<String>) {
    match origin {
        Origin::File { path } => match crate::files::read_source(path, MAX_BASE_BYTES) {
            Ok(t) => (Base::File, Some(t)),
            Err(crate::files::InputError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                (Base::FileMissing, None)
            }
            Err(_) => (Base::FileUnreadable, None),
        },
        Origin::Sample { name } => match crate::samples::find(name) {
            Some(s) => (Base::Sample, Some(s.source.to_string())),
            None => (Base::Empty, Some(String::new())),
        },
        Origin::Untitled { .. } => (Base::Empty, Some(String::new())),
    }
}

/// The first line (1-based) where `a` and `b` differ; `None` when they are equal.
pub fn first_changed_line(a: &str, b: &str) -> Option<usize> {
    if a == b {
        return None;
    }
    let mut la = a.split('\n');
    let mut lb = b.split('\n');
    let mut n = 1;
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => n += 1,
            (None, None) => return None,
            _ => return Some(n),
        }
    }
}

/// Lists the copies (only those of `only`, when given), newest first, with a summary of each.
/// A copy whose text the file (or sample) now holds exactly is deleted: its content has been
/// saved. Copies of a workbench that is still running are listed as in use and never deleted.
pub fn list(data: &Path, only: Option<&Origin>) -> Listing {
    let mut out = Listing::default();
    let Ok(rd) = std::fs::read_dir(dir(data)) else {
        return out;
    };
    let prefix = only.map(|o| format!("{}-", o.key_prefix()));
    let mut keys: Vec<(u64, String)> = rd
        .filter_map(Result::ok)
        .take(10_000)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let key = name
                .strip_suffix(".json")
                .or_else(|| name.strip_suffix(".js"))?
                .to_string();
            if !valid_key(&key) {
                return None;
            }
            if let Some(p) = &prefix {
                // Legacy copies carry no origin; they are offered in the start-up list only.
                if !key.starts_with(p.as_str()) || name.ends_with(".js") {
                    return None;
                }
            }
            Some((modified_unix(&e.path()), key))
        })
        .collect();
    keys.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    keys.dedup_by(|a, b| a.1 == b.1);
    for (_, key) in keys {
        if out.copies.len() >= MAX_LISTED {
            out.unlisted += 1;
            continue;
        }
        let copy = match read(data, &key) {
            Ok(c) => c,
            Err(e) => {
                out.errors.push(text::escape(&e, false).into_owned());
                continue;
            }
        };
        if only.is_some_and(|o| *o != copy.origin) {
            continue; // a hash prefix collision: another file
        }
        let legacy = copy.v == 0;
        let in_use_by = copy
            .owner
            .alive_elsewhere()
            .then_some(copy.owner.pid)
            .filter(|_| !legacy);
        let (base, base_text) = if legacy {
            (Base::Empty, None)
        } else {
            base_text(&copy.origin)
        };
        let first_changed = match &base_text {
            Some(b) => first_changed_line(b, &copy.text),
            None => Some(1),
        };
        let title = text::escape(&copy.title, false).into_owned();
        if first_changed.is_none() && in_use_by.is_none() {
            // The file holds exactly this text: it has been saved.
            if delete(data, &key).is_ok() {
                out.removed.push(title);
                continue;
            }
        }
        out.copies.push(CopyInfo {
            key,
            origin: copy.origin,
            title,
            written_unix: copy.written_unix,
            bytes: copy.text.len(),
            lines: copy.text.split('\n').count(),
            first_changed,
            base,
            in_use_by,
            legacy,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(origin: Origin, text: &str) -> CopyFile {
        CopyFile {
            v: FORMAT,
            title: "t.js".into(),
            origin,
            written_unix: 1,
            owner: Owner {
                pid: 0,
                start: None,
            },
            text: text.into(),
        }
    }

    #[test]
    fn keys_are_safe_and_distinct_per_file_and_session() {
        let a = Origin::File {
            path: "/x/index.js".into(),
        };
        let b = Origin::File {
            path: "/y/index.js".into(),
        };
        assert_ne!(a.key_prefix(), b.key_prefix());
        assert!(a.key_prefix().starts_with("index.js-"));
        let k1 = new_key(&a, "s1", 1);
        assert_ne!(k1, new_key(&a, "s2", 1));
        assert!(valid_key(&k1), "{k1}");
        let odd = Origin::File {
            path: "/x/../\u{1b}[2J evil/..".into(),
        };
        assert!(valid_key(&new_key(&odd, "s", 1)));
        for bad in ["", "../x", "a/b", ".hidden", "a\u{0}"] {
            assert!(!valid_key(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_copy_round_trips_even_for_a_path_that_is_not_utf8() {
        use std::os::unix::ffi::OsStringExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = PathBuf::from(std::ffi::OsString::from_vec(b"/tmp/a\xff.js".to_vec()));
        let c = copy(Origin::File { path }, "text");
        write(dir.path(), "k-1", &c).expect("write");
        assert_eq!(read(dir.path(), "k-1").expect("read"), c);
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(file_of(dir.path(), "k-1"))
                .expect("meta")
                .permissions(),
        );
        assert_eq!(mode & 0o777, 0o600, "owner-only");
        delete(dir.path(), "k-1").expect("delete");
        assert!(read(dir.path(), "k-1").is_err());
        assert!(delete(dir.path(), "k-1").is_ok(), "gone is fine");
    }

    #[test]
    fn listing_summarises_and_deletes_only_copies_whose_text_was_saved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("work.js");
        std::fs::write(&file, "a\nb\nc\n").expect("write");
        let origin = Origin::File { path: file.clone() };
        write(dir.path(), "changed-1", &copy(origin.clone(), "a\nB\nc\n")).expect("w");
        write(dir.path(), "saved-1", &copy(origin.clone(), "a\nb\nc\n")).expect("w");
        let gone = Origin::File {
            path: dir.path().join("gone.js"),
        };
        write(dir.path(), "gone-1", &copy(gone, "x")).expect("w");
        let l = list(dir.path(), None);
        assert_eq!(l.removed, vec!["t.js".to_string()], "{l:?}");
        assert_eq!(l.copies.len(), 2, "{l:?}");
        let changed = l.copies.iter().find(|c| c.key == "changed-1").expect("c");
        assert_eq!(changed.first_changed, Some(2));
        assert_eq!(changed.base, Base::File);
        assert_eq!(changed.lines, 4);
        let gone = l.copies.iter().find(|c| c.key == "gone-1").expect("g");
        assert_eq!(gone.base, Base::FileMissing);
        assert!(!file_of(dir.path(), "saved-1").exists());
        // Only one file's copies.
        let k = new_key(&origin, "s", 1);
        write(dir.path(), &k, &copy(origin.clone(), "zzz")).expect("w");
        let l = list(dir.path(), Some(&origin));
        assert_eq!(l.copies.len(), 1, "{l:?}");
        assert_eq!(l.copies[0].key, k);
    }

    #[test]
    fn a_copy_of_a_running_workbench_is_in_use_and_never_deleted() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The parent of this test process is alive and is not this process.
        let parent = std::os::unix::process::parent_id();
        let owner = Owner {
            pid: parent,
            start: start_ticks(parent),
        };
        let mut c = copy(Origin::Untitled { title: "u".into() }, "");
        c.owner = owner;
        write(dir.path(), "live-1", &c).expect("w");
        let l = list(dir.path(), None);
        assert_eq!(l.copies.len(), 1, "an unchanged copy in use is kept: {l:?}");
        if owner.start.is_some() {
            assert_eq!(l.copies[0].in_use_by, Some(parent));
        }
    }

    #[test]
    fn legacy_copies_are_listed_with_their_stem() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(super::dir(dir.path())).expect("mkdir");
        std::fs::write(
            super::dir(dir.path()).join("work.js-0123456789ab.js"),
            "old work",
        )
        .expect("w");
        let l = list(dir.path(), None);
        assert_eq!(l.copies.len(), 1, "{l:?}");
        assert!(l.copies[0].legacy);
        assert_eq!(l.copies[0].title, "work.js");
        let c = read(dir.path(), &l.copies[0].key).expect("read");
        assert_eq!(c.text, "old work");
        delete(dir.path(), &l.copies[0].key).expect("delete");
        assert!(list(dir.path(), None).copies.is_empty());
    }

    #[test]
    fn first_changed_line_counts_from_one() {
        assert_eq!(first_changed_line("a\nb", "a\nb"), None);
        assert_eq!(first_changed_line("a\nb", "a\nc"), Some(2));
        assert_eq!(first_changed_line("a", "a\n"), Some(2));
        assert_eq!(first_changed_line("", "x"), Some(1));
    }
}
