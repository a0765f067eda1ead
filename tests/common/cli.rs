//! Helpers for the tests that drive the `sandbench` binary.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The binary, with the colour variables of the environment cleared, so that what it prints
/// depends only on what the test sets. Every run appends to the audit log and reads the trust
/// config: both are kept in the test's target temp directory, out of the home directory of
/// whoever runs the tests.
pub(crate) fn sandbench() -> Command {
    let mut c = Command::cargo_bin("sandbench").expect("binary");
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"] {
        c.env_remove(var);
    }
    let dirs = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    c.env("SANDBENCH_DATA_DIR", dirs.join("data"));
    c.env("SANDBENCH_CONFIG_DIR", dirs.join("config"));
    c
}

/// How a run of the binary ended and what it printed.
pub(crate) struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Out {
    fn from(o: std::process::Output) -> Out {
        Out {
            code: o.status.code(),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// Runs the binary with `args`, feeding `stdin` when given.
pub(crate) fn output(args: &[&str], stdin: Option<&[u8]>) -> Out {
    let mut c = sandbench();
    c.args(args);
    if let Some(s) = stdin {
        c.write_stdin(s.to_vec());
    }
    Out::from(c.output().expect("run binary"))
}

/// One JSON document.
pub(crate) fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("valid JSON")
}

/// The string `field` of each element of the JSON array `v`; fails the test on another shape.
#[track_caller]
pub(crate) fn strs<'v>(v: &'v Value, field: &str) -> Vec<&'v str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| {
            x[field]
                .as_str()
                .unwrap_or_else(|| panic!("no string {field:?} in {x}"))
        })
        .collect()
}

/// One JSON value per line.
pub(crate) fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Writes `body` to `dir/name` (creating parent directories) and returns the path.
pub(crate) fn write(dir: &Path, name: &str, body: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("create directories");
    }
    std::fs::write(&p, body).expect("write file");
    p
}

/// A fresh temporary directory holding one file, `name` with `body`: the directory (the file
/// lives as long as it does) and the file's path.
pub(crate) fn temp_file(name: &str, body: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), name, body);
    (dir, path)
}

/// A path as an argument (temporary paths are UTF-8).
pub(crate) fn arg(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}
