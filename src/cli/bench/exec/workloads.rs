//! The peer benchmark's workloads. A copy of `../shared/bench/peers/workloads.json` (made by
//! its `make-workloads.mjs`) is built in, so `bench` works from a clean clone; the peer
//! harness keeps its own copy, and `--workloads FILE` runs any other one (for instance the
//! peers' own, to be sure both sides ran the same code).

use serde::Deserialize;
use std::path::Path;

/// The built-in copy.
const EMBEDDED: &str = include_str!("workloads.json");

#[derive(Debug, Clone, Deserialize)]
pub struct Warm {
    pub name: String,
    pub code: String,
    pub n: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WorkloadLimits {
    pub memory_mb: u64,
    pub stack_kb: u64,
    pub timeout_ms: u64,
    pub default_timeout_ms: u64,
}

/// `workloads.json` as written by the peers' `make-workloads.mjs`.
#[derive(Debug, Clone, Deserialize)]
pub struct Workloads {
    pub setup: String,
    pub cold_code: String,
    pub warm: Vec<Warm>,
    pub timeout_code: String,
    pub memlimit_code: String,
    pub plugin_code: String,
    pub plugin_input: String,
    pub limits: WorkloadLimits,
}

impl Workloads {
    /// The built-in workloads.
    pub fn embedded() -> Result<Workloads, String> {
        Workloads::parse(EMBEDDED, "the built-in workloads")
    }

    /// `--workloads FILE` when given, else the built-in workloads.
    pub fn for_args(file: Option<&Path>) -> Result<Workloads, String> {
        match file {
            Some(path) => load_workloads(path),
            None => Workloads::embedded(),
        }
    }

    fn parse(text: &str, what: &str) -> Result<Workloads, String> {
        let w: Workloads = serde_json::from_str(text)
            .map_err(|e| format!("bench: {what} is not a workloads file: {e}"))?;
        if w.warm.iter().any(|x| x.n == 0 || x.n > 1_000_000) {
            return Err(format!(
                "bench: {what}: warm workload counts must be 1..=1000000"
            ));
        }
        Ok(w)
    }
}

/// Reads and checks a workloads file; the error is one line for the user.
pub fn load_workloads(path: &Path) -> Result<Workloads, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "bench: cannot read the peer workloads {}: {e} (leave out --workloads to use the built-in ones)",
            path.display()
        )
    })?;
    Workloads::parse(&text, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_built_in_workloads_parse_and_hold_the_peer_workloads() {
        let w = Workloads::embedded().expect("built-in workloads");
        assert_eq!(w.cold_code, "2+2");
        let names: Vec<&str> = w.warm.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["2+2", "array1k", "json10k", "loop1e6"]);
        assert_eq!(w.limits.memory_mb, 32);
        assert_eq!(w.limits.timeout_ms, 50);
        assert!(Workloads::for_args(None).is_ok());
    }

    #[test]
    fn a_missing_workloads_file_is_a_clear_error() {
        let missing = Path::new("/nonexistent/workloads.json");
        let err = load_workloads(missing).expect_err("missing");
        assert!(err.contains("leave out --workloads"), "{err}");
        assert!(Workloads::for_args(Some(missing)).is_err());
    }

    #[test]
    fn workloads_files_are_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = dir.path().join("w.json");
        let w = json!({"setup":"var S=1","cold_code":"2+2","warm":[{"name":"2+2","code":"2+2","n":3}],
            "timeout_code":"while(true){}","memlimit_code":"x","plugin_code":"p","plugin_input":"{}",
            "limits":{"memory_mb":32,"stack_kb":1024,"timeout_ms":50,"default_timeout_ms":5000}});
        std::fs::write(&good, w.to_string()).expect("write");
        let parsed = load_workloads(&good).expect("valid");
        assert_eq!(parsed.warm[0].n, 3);
        assert_eq!(parsed.limits.memory_mb, 32);
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\"setup\": 1}").expect("write");
        let err = load_workloads(&bad).expect_err("not a workloads file");
        assert!(err.contains("is not a workloads file"), "{err}");
        let zero = dir.path().join("zero.json");
        let mut w0 = w.clone();
        w0["warm"][0]["n"] = json!(0);
        std::fs::write(&zero, w0.to_string()).expect("write");
        let err = load_workloads(&zero).expect_err("n = 0");
        assert!(err.contains("warm workload counts"), "{err}");
    }
}
