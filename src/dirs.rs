//! Where sandbench keeps its files, resolved in one place: `SANDBENCH_CONFIG_DIR` and
//! `SANDBENCH_DATA_DIR` when set (tests and the benchmark point them at temporary
//! directories), else the platform's directories (`~/.config/sandbench`,
//! `~/.local/share/sandbench` on Linux). `None` when neither is known (no home directory).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Overrides the config directory (themes, trusted signers, `config.toml`).
pub const CONFIG_ENV: &str = "SANDBENCH_CONFIG_DIR";
/// Overrides the data directory (recovery copies of unsaved buffers, signing keys, the audit
/// log).
pub const DATA_ENV: &str = "SANDBENCH_DATA_DIR";

/// The config directory.
pub fn config_dir() -> Option<PathBuf> {
    resolve(std::env::var_os(CONFIG_ENV), |p| p.config_dir())
}

/// The data directory.
pub fn data_dir() -> Option<PathBuf> {
    resolve(std::env::var_os(DATA_ENV), |p| p.data_dir())
}

/// User themes: `<config dir>/themes`.
pub fn themes_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("themes"))
}

/// Where the recovery copy of the buffer with `key` lives under the data directory `data`.
pub fn recovery_file(data: &Path, key: &str) -> PathBuf {
    data.join("recovery").join(format!("{key}.js"))
}

/// The override when it is set and not empty (an empty value means "unset", as `NO_COLOR`
/// does; a relative empty path would put files in the working directory), else the
/// platform's directory picked by `pick`.
fn resolve(var: Option<OsString>, pick: fn(&directories::ProjectDirs) -> &Path) -> Option<PathBuf> {
    match var {
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => directories::ProjectDirs::from("", "", "sandbench").map(|p| pick(&p).to_path_buf()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_wins_and_an_empty_one_counts_as_unset() {
        let pick: fn(&directories::ProjectDirs) -> &Path = |p| p.config_dir();
        assert_eq!(
            resolve(Some("/tmp/sb-config".into()), pick),
            Some(PathBuf::from("/tmp/sb-config"))
        );
        let platform = directories::ProjectDirs::from("", "", "sandbench")
            .map(|p| p.config_dir().to_path_buf());
        assert_eq!(resolve(Some(OsString::new()), pick), platform);
        assert_eq!(resolve(None, pick), platform);
    }
}
