//! Reading source files, for the CLI and the workbench alike: the one place a script's text
//! comes off the disk (or standard input), bounded in size and checked to be UTF-8. The
//! engine itself never opens a file; it is handed text.

use std::path::PathBuf;

/// Why a piece of source could not be accepted for scanning or running.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not valid UTF-8 (byte {offset})")]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{path}: {size} bytes is over the {max}-byte limit")]
    TooLarge { path: PathBuf, size: u64, max: u64 },
    /// A WebAssembly file that does not parse or validate (the workbench opens modules).
    #[error("{path}: {reason}")]
    NotAModule { path: PathBuf, reason: String },
}

/// Reads a source file, refusing files over `max` bytes (checked before reading it all) and
/// text that is not UTF-8. `-` reads standard input.
pub fn read_source(path: &std::path::Path, max: usize) -> Result<String, InputError> {
    String::from_utf8(read_bytes(path, max)?).map_err(|e| InputError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Reads a file's bytes (a WebAssembly module: binary allowed), refusing files over `max`
/// bytes (checked before reading it all). `-` reads standard input.
pub fn read_bytes(path: &std::path::Path, max: usize) -> Result<Vec<u8>, InputError> {
    use std::io::Read;
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let too_large = |size: u64| InputError::TooLarge {
        path: path.to_path_buf(),
        size,
        max: max as u64,
    };
    let mut bytes = Vec::new();
    let limit = max as u64 + 1;
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        let file = std::fs::File::open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if meta.is_dir() {
            return Err(io(std::io::Error::other("is a directory")));
        }
        if meta.len() > max as u64 {
            return Err(too_large(meta.len()));
        }
        file.take(limit).read_to_end(&mut bytes).map_err(io)?;
    }
    if bytes.len() > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// `path` as output shows it: `stdin` for `-` (standard input), else the path, lossily
/// decoded.
pub fn shown(path: &std::path::Path, stdin: &str) -> String {
    if path.as_os_str() == "-" {
        stdin.to_string()
    } else {
        path.to_string_lossy().into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_large_and_non_utf8_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).expect("write");
            p
        };
        assert!(matches!(
            read_source(&file("big.js", &[b'a'; 11]), 10),
            Err(InputError::TooLarge { size: 11, .. })
        ));
        // Far over the limit: refused on its size, which the error gives as it is.
        assert!(matches!(
            read_bytes(&file("huge.wasm", &[0; 5000]), 10),
            Err(InputError::TooLarge {
                size: 5000,
                max: 10,
                ..
            })
        ));
        let err = read_source(&file("bad.js", &[b'a', 0xff, b'b']), 10).expect_err("not utf-8");
        assert!(
            err.to_string().ends_with("not valid UTF-8 (byte 1)"),
            "{err}"
        );
        assert!(matches!(
            read_source(&dir.path().join("missing.js"), 10),
            Err(InputError::Io { .. })
        ));
        assert_eq!(read_source(&file("ok.js", b"1+1"), 10).expect("ok"), "1+1");
    }
}
