//! `sandbench run` with permissions, through the binary, as a user sees it: a plugin's
//! `sandbench.toml`, `--manifest`, `--allow-read`, `--allow-module`, `--deny-all`, the grants and
//! usage lines of the report, and `--json`'s `permissions`, `manifest` and `usage`.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::cli::{arg, json_lines, output, write, Out};
use std::path::PathBuf;

/// `sandbench run`: the scan gate honours the grants, so a granted plugin runs as it is.
fn run(args: &[&str]) -> Out {
    output(&[&["run"], args].concat(), None)
}

/// `sandbench run ARGS` (with `--json`) of one file, which must exit with `code`: its report,
/// checked to have `outcome` and `verdict`.
#[track_caller]
fn report(args: &[&str], code: i32, outcome: &str, verdict: &str) -> serde_json::Value {
    let out = run(args);
    assert_eq!(out.code, Some(code), "{}{}", out.stdout, out.stderr);
    let v = json_lines(&out.stdout).swap_remove(0);
    assert_eq!(
        (v["outcome"].as_str(), v["verdict"].as_str()),
        (Some(outcome), Some(verdict)),
        "{v}"
    );
    v
}

/// `sandbench run --force`: for plugins that reach what they were not granted (the gate
/// blocks them; these runs show what the sandbox then refuses).
fn run_forced(args: &[&str]) -> Out {
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
    let out = run_forced(&["--deny-all", arg(&plugin)]);
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
    let out = run_forced(&[arg(&plugin)]);
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
    // (`..` out of the root is not covered by the grant: the gate blocks it unless forced.)
    let walk_path = l.path("p/walk.js");
    let walk = arg(&walk_path);
    let gated = run(&["--allow-read", &c, "--json", walk]);
    assert_eq!(gated.code, Some(1), "{}", gated.stdout);
    assert_eq!(json_lines(&gated.stdout)[0]["outcome"], "blocked");
    let out = run_forced(&["--allow-read", &c, "--json", walk]);
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

/// The scan gate honours grants: a plugin granted a directory runs without `--force`, its
/// `require('fs')` listed as granted use; the same grant does not let `child_process` through.
#[test]
fn the_gate_honours_grants_but_never_for_child_process() {
    let l = Layout::new();
    let c = conf(&l);
    let plugin = l.path("p/plugin.js");
    // Without the grant: blocked by the scanner, nothing run.
    report(&["--json", arg(&plugin)], 1, "blocked", "block");
    // Benign: granted, it runs; the findings are still listed, marked granted.
    let v = &report(
        &["--allow-read", &c, "--json", arg(&plugin)],
        0,
        "ok",
        "allow",
    );
    assert_eq!(v["value"], "demo:a/b");
    let findings = v["findings"].as_array().expect("findings");
    assert!(!findings.is_empty(), "{v}");
    let by = format!("--allow-read {c}");
    assert!(
        findings
            .iter()
            .all(|f| f["granted"].as_str() == Some(by.as_str())),
        "{v}"
    );
    assert_eq!(findings[0]["target"]["module"], "fs", "{v}");
    // The human report says so.
    let out = run(&["--allow-read", &c, arg(&plugin)]);
    assert!(
        out.stdout
            .contains("scan     allow (score 0, 0 findings + 2 granted uses)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(&format!("granted fs-access — Loads the filesystem module or reads/writes files: loads `fs` (granted by {by})")), "{}", out.stdout);
    // From the manifest: the report names it.
    let m = l.manifest("[permissions.filesystem]\nread = [\"conf\"]\n");
    let out = run(&["--json", arg(&plugin)]);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    let v = &json_lines(&out.stdout)[0];
    let want = format!("manifest {} (read {c})", m.display());
    assert_eq!(v["findings"][0]["granted"], want.as_str(), "{v}");
    std::fs::remove_file(&m).expect("rm");
    // Attack: the same grant, and child_process: blocked, child_process counted, nothing run.
    let evil = write(
        l.dir.path(),
        "p/evil.js",
        format!("{PLUGIN};\nrequire('child_process').execSync('touch /tmp/sandbench-pwned');\n"),
    );
    let v = &report(
        &["--allow-read", &c, "--json", arg(&evil)],
        1,
        "blocked",
        "block",
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("granted use(s) left out")),
        "{v}"
    );
    let cp = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "child-process")
        .expect("child-process listed");
    assert!(cp.get("granted").is_none(), "{v}");
    assert_eq!(v["usage"]["fs_reads"], 0, "nothing ran: {v}");
    // A write is never granted either.
    let writer = write(
        l.dir.path(),
        "p/writer.js",
        "require('fs').writeFileSync('conf/config.json', 'x');",
    );
    let out = run(&["--allow-read", &c, "--json", arg(&writer)]);
    let v = &json_lines(&out.stdout)[0];
    assert_eq!(v["outcome"], "blocked", "{v}");
    assert_eq!(
        std::fs::read_to_string(l.path("p/conf/config.json")).expect("read"),
        r#"{"name":"demo"}"#
    );
}

/// `scan` honours the same grants: a granted finding is `note` in SARIF, the verdict allow.
#[test]
fn scan_marks_granted_use_in_text_json_and_sarif() {
    let l = Layout::new();
    let c = conf(&l);
    let plugin = l.path("p/plugin.js");
    let plain = output(&["scan", "--format", "json", arg(&plugin)], None);
    assert_eq!(plain.code, Some(1), "{}", plain.stdout);
    let out = output(
        &["scan", "--format", "json", "--allow-read", &c, arg(&plugin)],
        None,
    );
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["summary"]["allow"], 1, "{v}");
    let out = output(
        &[
            "scan",
            "--format",
            "sarif",
            "--allow-read",
            &c,
            arg(&plugin),
        ],
        None,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("sarif");
    let results = v["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        assert_eq!(r["level"], "note", "{r}");
        assert!(
            r["message"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("Granted use")),
            "{r}"
        );
    }
    let out = output(&["scan", "--allow-read", &c, arg(&plugin)], None);
    assert!(
        out.stdout
            .contains(&format!("[granted by --allow-read {c}]")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("ALLOW score 0"), "{}", out.stdout);
}
