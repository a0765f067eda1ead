//! `hash`, `key`, `sign`, `verify` and `run --require-signed` through the binary, with every
//! bad input the trust issue names: tampered byte, renamed file, added file, wrong key,
//! unknown signer, malformed and truncated signature files.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::cli::strs;
use common::home::{json, s, Home};
use sandbench::engine::hash::sha256_hex;
use sandbench::engine::trust::merkle;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Creates key NAME (trusted unless `no_trust`) and returns its public key.
fn new_key(h: &Home, data: &str, name: &str, no_trust: bool) -> String {
    let mut args = vec!["key", "new", name];
    if no_trust {
        args.push("--no-trust");
    }
    let o = h.run_with_data(data, &args);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    o.stdout
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("public")
                .map(|k| k.trim().to_string())
        })
        .expect("public key printed")
}

/// A signature file's text with the value of its field `key` replaced by `value`.
fn with_field(sig: &str, key: &str, value: &str) -> String {
    let prefix = format!("{key} = ");
    sig.lines()
        .map(|l| {
            if l.starts_with(&prefix) {
                format!("{prefix}{value}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The message of a run's error in its JSON report.
fn error_message(v: &serde_json::Value) -> &str {
    v["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message: {v}"))
}

#[test]
fn hash_prints_a_files_sha256_and_a_directorys_root_with_its_leaves() {
    let h = Home::new();
    let f = h.write("plug/index.js", "1+1");
    h.write("plug/lib/a.js", "module.exports = 1");
    h.write("plug/sandbench.toml", "");
    let o = h.run(&["hash", s(&f)]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(o.stdout, format!("{}  {}\n", sha256_hex(b"1+1"), s(&f)));

    let dir = h.path("plug");
    let o = h.run(&["hash", "--json", s(&dir)]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let v = json(&o.stdout);
    assert_eq!(v["kind"], "dir");
    let want = merkle::root_of_files([
        ("index.js", &b"1+1"[..]),
        ("lib/a.js", &b"module.exports = 1"[..]),
        ("sandbench.toml", &b""[..]),
    ]);
    assert_eq!(v["root"], merkle::hex(&want));
    let paths: Vec<&str> = strs(&v["leaves"], "path");
    assert_eq!(paths, ["index.js", "lib/a.js", "sandbench.toml"]);
    assert_eq!(v["leaves"][0]["sha256"], sha256_hex(b"1+1"));
    let text = h.run(&["hash", s(&dir)]);
    assert!(
        text.stdout.starts_with(&merkle::hex(&want)),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("Merkle root of 3 files"),
        "{}",
        text.stdout
    );

    std::os::unix::fs::symlink("/etc/passwd", dir.join("lib/evil.js")).expect("symlink");
    let o = h.run(&["hash", s(&dir)]);
    assert_eq!(o.code, Some(2));
    assert!(
        o.stderr.contains("evil.js: symlinks are refused"),
        "{}",
        o.stderr
    );
    assert!(o.stdout.is_empty());

    let o = h.run(&["hash", s(&h.path("missing"))]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("missing"), "{}", o.stderr);
}

#[test]
fn key_new_writes_a_private_key_only_its_owner_can_read_and_trusts_it() {
    let h = Home::new();
    let public = new_key(&h, "data", "alice", false);
    let pem = h.path("data/keys/alice.pem");
    let mode = std::fs::metadata(&pem)
        .expect("key file")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    assert!(std::fs::read_to_string(&pem)
        .expect("read")
        .starts_with("-----BEGIN PRIVATE KEY-----"));
    let signers = std::fs::read_to_string(h.path("config/trusted_signers.toml")).expect("signers");
    assert!(
        signers.contains(&format!("alice = \"{public}\"")),
        "{signers}"
    );

    let o = h.run(&["key", "new", "alice"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("already exists"), "{}", o.stderr);
    let o = h.run(&["key", "new", "../escape"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("invalid key name"), "{}", o.stderr);

    let bob = new_key(&h, "data", "bob", true);
    let o = h.run(&["key", "list", "--json"]);
    let v = json(&o.stdout);
    let keys: Vec<&str> = strs(&v["keys"], "name");
    assert_eq!(keys, ["alice", "bob"]);
    let trusted: Vec<&str> = strs(&v["trusted_signers"], "name");
    assert_eq!(trusted, ["alice"], "--no-trust keeps bob out");

    let o = h.run(&["key", "trust", "robert", &bob]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let o = h.run(&["key", "trust", "robert", &public]);
    assert_eq!(o.code, Some(2));
    assert!(
        o.stderr.contains("already trusted with a different key"),
        "{}",
        o.stderr
    );
    let o = h.run(&["key", "trust", "x", "bm90IGEga2V5"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("invalid public key"), "{}", o.stderr);

    // A private key others can read is refused, as ssh does.
    std::fs::set_permissions(&pem, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let f = h.write("x.js", "1");
    let o = h.run(&["sign", "--key", "alice", s(&f)]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("chmod 600"), "{}", o.stderr);
}

/// `verify --json` on `path`: (exit code, error kind or "ok", message).
fn verify(h: &Home, path: &Path) -> (Option<i32>, String, String) {
    let o = h.run(&["verify", "--json", s(path)]);
    let v = json(&o.stdout);
    let kind = if v["ok"] == true {
        "ok".to_string()
    } else {
        v["error"].as_str().expect("error kind").to_string()
    };
    (
        o.code,
        kind,
        v["message"].as_str().unwrap_or("").to_string(),
    )
}

#[test]
fn a_signed_file_verifies_and_every_tampering_is_its_own_error() {
    let h = Home::new();
    new_key(&h, "data", "alice", false);
    let f = h.write("p/plugin.js", "console.log('hi'); 41 + 1");
    let o = h.run(&["sign", s(&f)]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let sig = h.path("p/plugin.js.sig");
    assert!(o.stdout.contains(s(&sig)), "{}", o.stdout);
    let good_sig = std::fs::read_to_string(&sig).expect("sig");

    let o = h.run(&["verify", s(&f)]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(
        o.stdout
            .starts_with(&format!("OK {}: signed by alice", s(&f))),
        "{}",
        o.stdout
    );

    let mut kinds = Vec::new();
    let mut expect = |(code, kind, msg): (Option<i32>, String, String), want: &str, text: &str| {
        assert_eq!(code, Some(1), "{kind}: {msg}");
        assert_eq!(kind, want, "{msg}");
        assert!(msg.contains(text), "{want}: {msg}");
        kinds.push(kind);
    };

    // Tampered byte.
    std::fs::write(&f, "console.log('hi'); 41 + 2").expect("write");
    expect(verify(&h, &f), "modified", "modified: plugin.js");
    std::fs::write(&f, "console.log('hi'); 41 + 1").expect("write");
    assert_eq!(verify(&h, &f).1, "ok");

    // A manifest appearing after signing (a permission grant) invalidates the signature.
    let manifest = h.write("p/sandbench.toml", "[permissions]\n");
    let (code, kind, msg) = verify(&h, &f);
    assert_eq!((code, kind.as_str()), (Some(1), "modified"), "{msg}");
    assert!(msg.contains("added: sandbench.toml"), "{msg}");
    // Signed with it, then changed.
    assert_eq!(h.run(&["sign", s(&f)]).code, Some(0));
    assert_eq!(verify(&h, &f).1, "ok");
    std::fs::write(&manifest, "[permissions]\nnetwork = ['evil.example']\n").expect("write");
    let (_, kind, msg) = verify(&h, &f);
    assert_eq!(kind, "modified");
    assert!(msg.contains("modified: sandbench.toml"), "{msg}");
    std::fs::remove_file(&manifest).expect("rm");
    assert!(verify(&h, &f).2.contains("removed: sandbench.toml"));
    assert_eq!(h.run(&["sign", s(&f)]).code, Some(0));
    let good_sig = {
        let _ = good_sig;
        std::fs::read_to_string(&sig).expect("sig")
    };

    // Renamed (with its signature file): the name is bound too.
    let g = h.path("p/other.js");
    std::fs::rename(&f, &g).expect("rename");
    std::fs::rename(&sig, h.path("p/other.js.sig")).expect("rename sig");
    let (_, kind, msg) = verify(&h, &g);
    assert_eq!(kind, "modified");
    assert!(
        msg.contains("renamed: signed as 'plugin.js', now 'other.js'"),
        "{msg}"
    );
    std::fs::rename(&g, &f).expect("rename back");
    std::fs::rename(h.path("p/other.js.sig"), &sig).expect("rename back");

    // Unsigned.
    let lone = h.write("p/lone.js", "1");
    expect(verify(&h, &lone), "unsigned", "no signature file");

    // Truncated and malformed signature files.
    std::fs::write(&sig, &good_sig[..good_sig.len() / 2]).expect("truncate");
    expect(verify(&h, &f), "malformed", "malformed signature file");
    std::fs::write(&sig, "not = [toml").expect("garbage");
    assert_eq!(verify(&h, &f).1, "malformed");
    std::fs::write(&sig, "\u{0}\u{1}binary").expect("garbage");
    assert_eq!(verify(&h, &f).1, "malformed");
    let short_sig = with_field(&good_sig, "signature", "\"AAAA\"");
    std::fs::write(&sig, short_sig).expect("write");
    let (_, kind, msg) = verify(&h, &f);
    assert_eq!(kind, "malformed");
    assert!(msg.contains("not 64"), "{msg}");
    std::fs::write(&sig, good_sig.replace("version = 1", "version = 2")).expect("write");
    expect(verify(&h, &f), "unsupported", "version 2");

    // An edited field (here the recorded time) breaks the Ed25519 signature.
    let edited = with_field(&good_sig, "signed_at", "\"2000-01-01T00:00:00.000Z\"");
    std::fs::write(&sig, edited).expect("write");
    expect(verify(&h, &f), "bad_signature", "does not verify");

    // Wrong key: the signature names a key that did not make it.
    let other = new_key(&h, "data2", "mallory", true);
    let swapped = with_field(&good_sig, "public_key", &format!("\"{other}\""));
    std::fs::write(&sig, swapped).expect("write");
    assert_eq!(verify(&h, &f).1, "bad_signature");
    std::fs::write(&sig, &good_sig).expect("restore");
    assert_eq!(verify(&h, &f).1, "ok");

    // Unknown signer: a valid signature by a key nobody trusts here.
    let o = h.run_with_data("data2", &["sign", s(&f)]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    expect(
        verify(&h, &f),
        "unknown_signer",
        "(signed as 'mallory') is not in trusted_signers",
    );

    // Wrong key for a trusted name: someone else's key calling itself alice.
    new_key(&h, "data3", "alice", true);
    assert_eq!(h.run_with_data("data3", &["sign", s(&f)]).code, Some(0));
    expect(
        verify(&h, &f),
        "wrong_key",
        "'alice' is trusted with another key",
    );

    // A file's signature used for a directory.
    std::fs::write(&sig, &good_sig).expect("restore");
    std::fs::create_dir(h.path("d")).expect("mkdir");
    std::fs::write(h.path("d/.sandbench.sig"), &good_sig).expect("write");
    expect(
        verify(&h, &h.path("d")),
        "wrong_target",
        "signs a file, not a directory",
    );

    kinds.sort();
    let n = kinds.len();
    kinds.dedup();
    assert_eq!(
        kinds.len(),
        n,
        "each bad case has its own error kind: {kinds:?}"
    );

    // The human form: one line on stderr, exit 1.
    std::fs::write(&f, "tampered").expect("write");
    let o = h.run(&["verify", s(&f)]);
    assert_eq!(o.code, Some(1));
    assert!(o.stdout.is_empty());
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("content changed since signing: modified: plugin.js"),
        "{}",
        o.stderr
    );

    let o = h.run(&["verify", s(&h.path("nope.js"))]);
    assert_eq!(o.code, Some(2), "a missing target is a usage error");
}

#[test]
fn a_signed_directory_names_each_changed_file() {
    let h = Home::new();
    new_key(&h, "data", "alice", false);
    let d = h.path("plug");
    h.write("plug/index.js", "require('./lib/a')");
    h.write("plug/lib/a.js", "module.exports = 1");
    h.write("plug/lib/b.js", "module.exports = 2");
    h.write("plug/sandbench.toml", "[permissions]\n");
    let o = h.run(&["sign", s(&d)]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(d.join(".sandbench.sig").exists());
    assert_eq!(verify(&h, &d).1, "ok");
    // Signing did not change the root (the signature file is left out of it).
    let root = json(&h.run(&["hash", "--json", s(&d)]).stdout)["root"].clone();
    let v = json(&h.run(&["verify", "--json", s(&d)]).stdout);
    assert_eq!(v["verified"]["root"], root);

    let check = |want: &str| {
        let (code, kind, msg) = verify(&h, &d);
        assert_eq!((code, kind.as_str()), (Some(1), "modified"), "{msg}");
        assert!(msg.contains(want), "want {want}: {msg}");
    };
    // Tampered byte.
    std::fs::write(d.join("lib/a.js"), "module.exports = 9").expect("write");
    check("modified: lib/a.js");
    std::fs::write(d.join("lib/a.js"), "module.exports = 1").expect("write");
    // Renamed file.
    std::fs::rename(d.join("lib/b.js"), d.join("lib/c.js")).expect("rename");
    check("renamed: lib/b.js → lib/c.js");
    std::fs::rename(d.join("lib/c.js"), d.join("lib/b.js")).expect("rename");
    // Added file.
    std::fs::write(d.join("extra.js"), "1").expect("write");
    check("added: extra.js");
    std::fs::remove_file(d.join("extra.js")).expect("rm");
    // Removed file.
    std::fs::remove_file(d.join("lib/b.js")).expect("rm");
    check("removed: lib/b.js");
    std::fs::write(d.join("lib/b.js"), "module.exports = 2").expect("write");
    // The manifest changed: a permission is not the same plugin.
    std::fs::write(d.join("sandbench.toml"), "[permissions]\nread = ['/']\n").expect("write");
    check("modified: sandbench.toml (the plugin's manifest");
    std::fs::write(d.join("sandbench.toml"), "[permissions]\n").expect("write");
    assert_eq!(verify(&h, &d).1, "ok");
    // A symlink slipped in.
    std::os::unix::fs::symlink("/etc/passwd", d.join("lib/link.js")).expect("symlink");
    let (code, kind, msg) = verify(&h, &d);
    assert_eq!((code, kind.as_str()), (Some(1), "unhashable"), "{msg}");
    assert!(msg.contains("symlinks are refused"), "{msg}");
}

fn run_json(h: &Home, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let mut a = vec!["run", "--json", "--executor", "quickjs"];
    a.extend_from_slice(args);
    let o = h.run(&a);
    (o.code, json(&o.stdout), o.stderr)
}

#[test]
fn require_signed_refuses_unsigned_or_modified_code_before_it_runs() {
    let h = Home::new();
    new_key(&h, "data", "alice", false);
    let f = h.write("p/plugin.js", "console.log('ran'); 6 * 7");

    // Without the policy, unsigned code runs and says so.
    let (code, v, _) = run_json(&h, &[s(&f)]);
    assert_eq!((code, &v["outcome"]), (Some(0), &serde_json::json!("ok")));
    assert_eq!(v["trust"]["state"], "unsigned");

    let (code, v, _) = run_json(&h, &["--require-signed", s(&f)]);
    assert_eq!(code, Some(1));
    assert_eq!(v["outcome"], "blocked");
    assert_eq!(v["error"]["name"], "TrustPolicy");
    assert!(error_message(&v).contains("this code is unsigned"), "{v}");
    assert_eq!(v["console"], serde_json::json!([]), "nothing ran");

    assert_eq!(h.run(&["sign", s(&f)]).code, Some(0));
    let (code, v, _) = run_json(&h, &["--require-signed", s(&f)]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["value"], 42);
    assert_eq!(v["trust"]["state"], "signed");
    assert_eq!(v["trust"]["signer"], "alice");

    // The human report shows the signer.
    let o = h.run(&["run", "--executor", "quickjs", "--require-signed", s(&f)]);
    assert!(
        o.stdout.contains("trust    signed by alice"),
        "{}",
        o.stdout
    );

    std::fs::write(&f, "console.log('ran'); 6 * 9").expect("tamper");
    let (code, v, _) = run_json(&h, &["--require-signed", s(&f)]);
    assert_eq!(
        (code, &v["outcome"]),
        (Some(1), &serde_json::json!("blocked"))
    );
    assert_eq!(v["trust"]["state"], "modified");
    assert!(
        error_message(&v).contains("modified since signing: modified: plugin.js"),
        "{v}"
    );

    // Standard input is never signed.
    let o = h
        .cmd_with_data("data")
        .args([
            "run",
            "--json",
            "--executor",
            "quickjs",
            "--require-signed",
            "-",
        ])
        .write_stdin("1")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        json(&String::from_utf8_lossy(&o.stdout))["outcome"],
        "blocked"
    );

    // A plugin directory's signature covers the file that runs from it.
    h.write("plug/index.js", "1 + 1");
    h.write("plug/sandbench.toml", "");
    assert_eq!(h.run(&["sign", s(&h.path("plug"))]).code, Some(0));
    let (code, v, _) = run_json(&h, &["--require-signed", s(&h.path("plug/index.js"))]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["trust"]["signer"], "alice");
    // … and its manifest: changing it blocks the run.
    std::fs::write(h.path("plug/sandbench.toml"), "[permissions]\n").expect("write");
    let (code, v, _) = run_json(&h, &["--require-signed", s(&h.path("plug/index.js"))]);
    assert_eq!(code, Some(1));
    assert_eq!(v["trust"]["state"], "modified");
}

#[test]
fn the_config_can_require_signatures_and_the_command_line_can_waive_it() {
    let h = Home::new();
    h.write("config/config.toml", "[trust]\nrequire_signed = true\n");
    let f = h.write("x.js", "1");
    let (code, v, _) = run_json(&h, &[s(&f)]);
    assert_eq!(
        (code, &v["outcome"]),
        (Some(1), &serde_json::json!("blocked"))
    );
    let (code, v, _) = run_json(&h, &["--allow-unsigned", s(&f)]);
    assert_eq!((code, &v["outcome"]), (Some(0), &serde_json::json!("ok")));

    // A bad config is a warning, and the defaults apply.
    h.write("config/config.toml", "[trust]\nrequire_signed = 'yes'\n");
    let (code, v, stderr) = run_json(&h, &[s(&f)]);
    assert_eq!((code, &v["outcome"]), (Some(0), &serde_json::json!("ok")));
    assert!(
        stderr.contains("warning") && stderr.contains("[trust]"),
        "{stderr}"
    );

    // An unreadable signers file with the policy on: nothing can be trusted, usage error.
    h.write("config/config.toml", "");
    h.write("config/trusted_signers.toml", "alice = [");
    let o = h.run(&["run", "--require-signed", s(&f)]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("trusted_signers.toml"), "{}", o.stderr);
    assert!(o.stdout.is_empty());
}
