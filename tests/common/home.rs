//! A temporary home for the tests that drive the binary through its trust features: config
//! and data directories of its own, and none of the environment's OpenTelemetry or colour
//! settings, so that what a run does depends only on what the test sets.

use super::cli::Out;
use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub(crate) struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub(crate) fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The data directory (`SANDBENCH_DATA_DIR`) of [`Home::cmd`].
    pub(crate) fn data(&self) -> PathBuf {
        self.path("data")
    }

    /// The binary, with `data` (relative to the home) as its data directory.
    pub(crate) fn cmd_with_data(&self, data: &str) -> Command {
        let mut c = Command::cargo_bin("sandbench").expect("binary");
        c.env("SANDBENCH_CONFIG_DIR", self.path("config"))
            .env("SANDBENCH_DATA_DIR", self.path(data))
            .env("NO_COLOR", "1");
        for v in [
            "OTEL_SDK_DISABLED",
            "OTEL_TRACES_EXPORTER",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "OTEL_EXPORTER_OTLP_HEADERS",
            "OTEL_EXPORTER_OTLP_TIMEOUT",
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            "OTEL_SERVICE_NAME",
            "OTEL_RESOURCE_ATTRIBUTES",
        ] {
            c.env_remove(v);
        }
        c
    }

    pub(crate) fn cmd(&self) -> Command {
        self.cmd_with_data("data")
    }

    pub(crate) fn run_with_data(&self, data: &str, args: &[&str]) -> Out {
        Out::from(self.cmd_with_data(data).args(args).output().expect("run"))
    }

    pub(crate) fn run(&self, args: &[&str]) -> Out {
        self.run_with_data("data", args)
    }

    /// Writes `body` to `rel` in the home (creating parent directories).
    pub(crate) fn write(&self, rel: &str, body: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, body).expect("write");
        p
    }
}

/// A temporary path as a command-line argument.
pub(crate) fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// One JSON document, or a panic that shows the text.
pub(crate) fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}
