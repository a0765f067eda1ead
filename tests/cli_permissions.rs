//! `sandbench run` with permissions, through the binary, as a user sees it: a plugin's
//! `sandbench.toml`, `--manifest`, `--allow-read`, `--allow-module`, `--deny-all`, the grants and
//! usage lines of the report, and `--json`'s `permissions`, `manifest` and `usage`.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::cli::{arg, json_lines, output, write, Out};
use std::path::PathBuf;

/// `sandbench run` with `--force`: the scanner scores reaching `fs` in a plugin as `block`
/// whatever the run is granted (issue 12), and these tests are about the grants, not the gate.
fn run(args: &[&str]) -> Out {
    output(&[&["run", "--force"], args].concat(), None)
}

const PLUGIN: &str = "const fs = require('fs');\nconst cfg = JSON.parse(fs.readFileSync('config.json', 'utf8'));\ncfg.name + ':' + require('path').join('a', 'b')\n";

/// A plugin directory: `plugin.js`, its `conf/config.json`, and `outside/secret.txt` beside it.
struct Layout {
    dir: tempfile::TempDir,
}

impl Layout {
    fn new() -> Layout {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "p/plugin.js", PLUGIN);
        write(dir.path(), "p/conf/config.json", r#"{"name":"demo"}"#);
        write(dir.path(), "outside/secret.txt", "TOP SECRET");
        Layout { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn manifest(&self, text: &str) -> PathBuf {
        write(self.dir.path(), "p/sandbench.toml", text)
    }
}

fn conf(l: &Layout) -> String {
    l.path("p/conf").display().to_string()
}

#[test]
fn a_manifest_beside_the_plugin_grants_what_it_names_and_the_report_shows_it() {
    let l = Layout::new();
    let m = l.manifest(
        "[permissions]\nmodules = [\"path\"]\n\n[permissions.filesystem]\nread = [\"conf\"]\n",
    );
    let plugin = l.path("p/plugin.js");
    let out = run(&[arg(&plugin)]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("value    \"demo:a/b\""),
        "{}",
        out.stdout
    );
    let grants = format!("read {} (manifest {})", conf(&l), m.display());
    assert!(out.stdout.contains(&grants), "{}", out.stdout);
    assert!(out.stdout.contains("modules path"), "{}", out.stdout);
    assert!(
        out.stdout.contains("1 file read (15 B)") && out.stdout.contains("2 modules loaded"),
        "{}",
        out.stdout
    );
    // --json carries the grants, the manifest and the usage.
    let out = run(&["--json", arg(&plugin)]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v = &json_lines(&out.stdout)[0];
    assert_eq!(v["value"], "demo:a/b", "{v}");
    assert_eq!(v["manifest"], m.display().to_string());
    assert_eq!(v["permissions"]["filesystem"]["read"][0], conf(&l));
    assert_eq!(v["permissions"]["modules"], serde_json::json!(["path"]));
    let u = &v["usage"];
    assert_eq!(
        (u["fs_reads"].as_u64(), u["fs_bytes_read"].as_u64()),
        (Some(1), Some(15)),
        "{v}"
    );
    assert_eq!(u["modules_loaded"].as_u64(), Some(2), "{v}");
    assert_eq!(u["network_requests"].as_u64(), Some(0), "{v}");
    // The module list is the manifest's: a pure module it does not name is refused.
    write(l.dir.path(), "p/other.js", "require('events')");
    let out = run(&[arg(&l.path("p/other.js"))]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("Module 'events' is not allowed in sandbox"),
        "{}",
        out.stdout
    );
}

#[test]
fn deny_all_ignores_the_manifest_and_flags_grant_only_what_they_name() {
    let l = Layout::new();
    l.manifest("[permissions.filesystem]\nread = [\"conf\"]\n");
    let plugin = l.path("p/plugin.js");
    let out = run(&["--deny-all", arg(&plugin)]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stdout.contains("Module 'fs' is not allowed in sandbox"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("no modules"), "{}", out.stdout);
    assert!(!out.stdout.contains(&conf(&l)), "{}", out.stdout);
    // --deny-all with flags: exactly what the flags name.
    let c = conf(&l);
    let out = run(&[
        "--deny-all",
        "--allow-read",
        &c,
        "--allow-module",
        "path",
        arg(&plugin),
    ]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("value    \"demo:a/b\""),
        "{}",
        out.stdout
    );
    // Without a manifest, nothing is read unless a flag grants it…
    std::fs::remove_file(l.path("p/sandbench.toml")).expect("rm");
    let out = run(&[arg(&plugin)]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stdout.contains("Module 'fs' is not allowed"),
        "{}",
        out.stdout
    );
    // … and a granted directory is no way out of itself.
    write(
        l.dir.path(),
        "p/walk.js",
        "let r; try { require('fs').readFileSync('../../outside/secret.txt', 'utf8'); } catch (e) { r = e.code; } r",
    );
    let out = run(&["--allow-read", &c, "--json", arg(&l.path("p/walk.js"))]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(!out.stdout.contains("TOP SECRET"), "{}", out.stdout);
    let v = &json_lines(&out.stdout)[0];
    assert_eq!(v["value"], "ERR_ACCESS_DENIED", "{v}");
    let b = &v["blocked"][0];
    assert_eq!(
        (b["category"].as_str(), b["capability"].as_str()),
        (Some("filesystem"), Some("../../outside/secret.txt")),
        "{v}"
    );
}

#[test]
fn an_explicit_manifest_is_used_for_every_file() {
    let l = Layout::new();
    let m = write(
        l.dir.path(),
        "elsewhere.toml",
        format!("[permissions.filesystem]\nread = [{:?}]\n", conf(&l)),
    );
    let out = run(&["--manifest", arg(&m), arg(&l.path("p/plugin.js"))]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("value    \"demo:a/b\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("(manifest {})", m.display())),
        "{}",
        out.stdout
    );
}

/// A usage error: exit 2, one line on stderr containing `says`, nothing on stdout.
fn refused(args: &[&str], says: &str) {
    let out = run(args);
    assert_eq!(out.code, Some(2), "{args:?}: {}{}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
}

#[test]
fn bad_grants_and_manifests_are_usage_errors_that_say_what_and_where() {
    let l = Layout::new();
    let plugin = l.path("p/plugin.js");
    let p = arg(&plugin);
    let missing = l.path("nope").display().to_string();
    refused(&["--allow-read", &missing, p], "does not exist");
    refused(
        &["--allow-read", "/", p],
        "would grant the whole filesystem",
    );
    refused(
        &["--allow-net", "https://example.com/path", p],
        "--allow-net",
    );
    refused(&["--allow-net", "example.com:0", p], "port 0");
    refused(&["--allow-net", "*.*.example.com", p], "--allow-net");
    refused(
        &["--allow-module", "child_process", p],
        "can never be granted",
    );
    refused(&["--allow-module", "fs", p], "--allow-read");
    let cases: [(&str, &str); 5] = [
        (
            "[permissions]\nmodules = [\"path\"]\nnetwrok = []\n",
            "sandbench.toml:3:1: unknown field `netwrok`",
        ),
        (
            "[permissions.filesystem]\nwrite = [\"conf\"]\n",
            "filesystem.write is refused in this version",
        ),
        (
            "[permissions.filesystem]\nread = [\"missing\"]\n",
            "does not exist",
        ),
        ("[limits]\ntimeout_ms = 0\n", "timeout 0 ms is out of range"),
        (
            "[[permissions.network]]\nhost = \"api.example.com\"\nprotocol = \"ftp\"\n",
            "sandbench.toml:3",
        ),
    ];
    for (text, says) in cases {
        l.manifest(text);
        refused(&[p], says);
    }
}
