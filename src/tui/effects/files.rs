//! File IO of the workbench: atomic writes, writes that never replace a file, and path
//! completion for the open/save prompts.

use crate::tui::action::SaveError;
use crate::tui::app::MAX_COMPLETIONS;
use std::path::{Path, PathBuf};

fn tmp_beside(path: &Path) -> PathBuf {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".sandbench-tmp");
    PathBuf::from(tmp)
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = tmp_beside(path);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// As [`write_atomic`], but never replaces an existing file: the rename refuses to (Linux
/// `RENAME_NOREPLACE`; elsewhere, or on a file system without it, a hard link does the same),
/// so a file that appeared meanwhile is never overwritten.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let failed = |e: std::io::Error| SaveError::Failed(format!("{}: {e}", path.display()));
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(SaveError::Exists);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let tmp = tmp_beside(path);
    std::fs::write(&tmp, bytes).map_err(failed)?;
    let placed = place_new(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match placed {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(SaveError::Exists),
        Err(e) => Err(failed(e)),
    }
}

fn place_new(tmp: &Path, path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, tmp, CWD, path, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            Err(rustix::io::Errno::EXIST) => return Err(std::io::ErrorKind::AlreadyExists.into()),
            // Not supported here: fall back to a link, which also never replaces.
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
            Err(e) => return Err(e.into()),
        }
    }
    std::fs::hard_link(tmp, path)
}

/// Path completions for a prompt: entries of the typed directory starting with the typed
/// name, directories with a trailing `/`, sorted, bounded.
pub fn complete_path(input: &str) -> Vec<String> {
    let (dir_part, name_part) = match input.rfind('/') {
        Some(i) => (&input[..=i], &input[i + 1..]),
        None => ("", input),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else if let Some(rest) = dir_part.strip_prefix("~/") {
        std::env::var_os("HOME")
            .map_or_else(|| PathBuf::from(dir_part), |h| PathBuf::from(h).join(rest))
    } else {
        PathBuf::from(dir_part)
    };
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut items: Vec<String> = rd
        .filter_map(Result::ok)
        .take(10_000)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(name_part)
                || (name.starts_with('.') && !name_part.starts_with('.'))
            {
                return None;
            }
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            Some(format!("{dir_part}{name}{}", if is_dir { "/" } else { "" }))
        })
        .collect();
    items.sort();
    items.truncate(MAX_COMPLETIONS);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_new_never_replaces_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.js");
        write_new(&p, b"one").expect("new file");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "one");
        assert_eq!(write_new(&p, b"two"), Err(SaveError::Exists));
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "one");
        assert!(!tmp_beside(&p).exists(), "no temporary file left");
        write_atomic(&p, b"three").expect("replace on purpose");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "three");
        // A dangling symlink is something there too.
        let link = dir.path().join("link.js");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).expect("symlink");
        assert_eq!(write_new(&link, b"x"), Err(SaveError::Exists));
    }
}
