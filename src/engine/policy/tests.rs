use super::*;
use crate::engine::exec::BlockedAttempt;
use crate::engine::Category;
use std::path::{Path, PathBuf};

#[test]
fn defaults_are_valid_and_match_the_brief() {
    let l = Limits::default();
    l.validate().expect("defaults valid");
    assert_eq!(
        (l.timeout_ms, l.wall_timeout_ms, l.memory_mb, l.stack_kb),
        (5000, 10000, 128, 512)
    );
}

#[test]
fn out_of_range_values_are_errors_not_clamps() {
    let l = Limits {
        timeout_ms: 30_001,
        ..Limits::default()
    };
    let err = l.validate().expect_err("too long");
    assert_eq!(
        err.to_string(),
        "timeout 30001 ms is out of range (1..=30000 ms)"
    );
    let l = Limits {
        memory_mb: 513,
        ..Limits::default()
    };
    assert!(l.validate().is_err());
    let l = Limits {
        timeout_ms: 100,
        wall_timeout_ms: 50,
        ..Limits::default()
    };
    assert!(matches!(
        l.validate(),
        Err(PolicyError::WallBelowCpu { .. })
    ));
}

#[test]
fn the_default_grants_the_pure_modules_and_nothing_else() {
    let p = Permissions::default();
    p.validate().expect("valid");
    for m in PURE_MODULES {
        assert!(
            p.allows_module(m) && p.allows_module(&format!("node:{m}")),
            "{m}"
        );
    }
    for m in NEVER_MODULES
        .iter()
        .chain(&["fs", "node:fs/promises", "lodash", ""])
    {
        assert!(!p.allows_module(m), "{m}");
    }
    assert!(!p.needs_broker());
    let none = Permissions::none();
    assert!(PURE_MODULES.iter().all(|m| !none.allows_module(m)));
    // fs comes with a directory, and only then.
    let mut p = Permissions::none();
    p.add_read(PathBuf::from("/srv/data"));
    assert!(p.allows_module("fs") && p.allows_module("node:fs/promises"));
    assert!(!p.allows_module("path"));
}

#[test]
fn bad_grants_are_refused_with_a_reason() {
    let with = |f: &dyn Fn(&mut Permissions)| {
        let mut p = Permissions::default();
        f(&mut p);
        p.validate().expect_err("invalid").to_string()
    };
    assert!(with(&|p| p.filesystem.read.push("rel/dir".into())).contains("not an absolute path"));
    assert!(with(&|p| p.filesystem.read.push("/".into())).contains("whole filesystem"));
    assert!(with(&|p| p.filesystem.read.push("/a/../etc".into())).contains("not a usable path"));
    assert!(with(&|p| p.filesystem.write.push("/tmp".into())).contains("refused in this version"));
    assert!(with(&|p| p.modules.push("fs".into())).contains("--allow-read"));
    assert!(with(&|p| p.modules.push("child_process".into())).contains("never be granted"));
    assert!(with(&|p| p.modules.push("lodash".into())).contains("no host module 'lodash'"));
    assert!(with(&|p| p.network.push(NetGrant {
        host: "a.com".into(),
        protocol: Protocol::Https,
        port: Some(0)
    }))
    .contains("port 0"));
    assert!(with(&|p| p.limits.net_timeout_ms = 0).contains("net_timeout_ms"));
    assert!(with(&|p| p.limits.fs_max_file_bytes = 1 << 40).contains("fs_max_file_bytes"));
    assert!(with(&|p| p.filesystem.read = vec!["/x".into(); 65]).contains("at most 64"));
    // On disk: a missing directory and a file are refused by check_paths.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = Permissions::default();
    p.filesystem.read.push(dir.path().join("missing"));
    p.validate().expect("well-formed");
    assert!(p
        .check_paths()
        .expect_err("missing")
        .to_string()
        .contains("does not exist"));
    let file = dir.path().join("f");
    std::fs::write(&file, "x").expect("write");
    p.filesystem.read = vec![file];
    assert!(p
        .check_paths()
        .expect_err("file")
        .to_string()
        .contains("not a directory"));
}

fn blocked(category: Category, capability: &str, message: &str) -> BlockedAttempt {
    BlockedAttempt {
        capability: capability.to_string(),
        category,
        message: message.to_string(),
        line: Some(1),
        column: Some(1),
        count: 1,
    }
}

fn module_refused(name: &str) -> BlockedAttempt {
    let category = crate::engine::exec::host::module_category(name);
    blocked(
        category,
        name,
        &format!("Module '{name}' is not allowed in sandbox"),
    )
}

fn plugin_dir() -> tempfile::TempDir {
    // Beneath the working directory's target/, never /tmp's top level: a canonical,
    // ordinary directory as a plugin's would be.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("config.json"), "{}").expect("write");
    dir
}

#[test]
fn a_refused_read_proposes_its_directory_only_when_that_is_safe() {
    let dir = plugin_dir();
    let real = std::fs::canonicalize(dir.path()).expect("canon");
    let file = real.join("config.json").display().to_string();
    let p = Permissions::default();
    // Benign: a plugin's own directory.
    let g = p
        .grant_for(&blocked(Category::Filesystem, &file, "ERR_ACCESS_DENIED"))
        .expect("a directory grant");
    assert_eq!(g, Grant::Read(real.clone()));
    assert_eq!(g.flag(), format!("--allow-read {}", real.display()));
    let mut granted = p.clone();
    g.add_to(&mut granted);
    assert!(granted
        .grant_for(&blocked(Category::Filesystem, &file, "hard link"))
        .expect_err("already")
        .0
        .contains("already granted"));
    // The refusal's message for a blocked read (or write) of `target`.
    let refused = |target: &str, message: &str| {
        p.grant_for(&blocked(Category::Filesystem, target, message))
            .expect_err(target)
            .0
    };
    // Attacks: system files, the kernel's views, secrets, the root, relative escapes.
    for (path, why) in [
        ("/etc/passwd", "no safe grant for /etc/passwd"),
        ("/proc/self/environ", "system directory"),
        ("/sys/kernel/x", "system directory"),
        ("/dev/null", "system directory"),
        ("/usr/x", "top-level"),
        ("/passwd", "top-level"),
        ("/a/../etc/passwd", "'..'"),
        ("/nope/x/y", "does not exist"),
        ("../etc/passwd", "relative path"),
    ] {
        let e = refused(path, "ERR_ACCESS_DENIED");
        assert!(e.contains(why), "{path}: {e}");
    }
    // A directory holding a secret, or inside one, is never proposed.
    let secret = plugin_dir();
    let sreal = std::fs::canonicalize(secret.path()).expect("canon");
    std::fs::write(sreal.join(".env"), "TOKEN=x").expect("write");
    let e = refused(&sreal.join("config.json").display().to_string(), "");
    assert!(e.contains(".env"), "{e}");
    std::fs::create_dir(sreal.join(".ssh")).expect("mkdir");
    std::fs::write(sreal.join(".ssh/known"), "x").expect("write");
    let e = refused(&sreal.join(".ssh/known").display().to_string(), "");
    assert!(e.contains("secret"), "{e}");
    // The home directory itself (and what holds it).
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if let Ok(h) = std::fs::canonicalize(&home) {
            let e = safe_read_dir(&h).expect_err("home");
            assert!(
                e.0.contains("home")
                    || e.0.contains("top-level")
                    || e.0.contains("secret")
                    || e.0.contains("system"),
                "{e}"
            );
        }
    }
    // A symlinked path: its real path must be granted, never the link.
    let link = real.join("link");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let e = safe_read_dir(&link).expect_err("through a link");
    assert!(e.0.contains("symbolic link"), "{e}");
    // A write is never granted, even inside the plugin's own directory.
    let e = refused("fs.writeFileSync", "refused");
    assert!(e.contains("reads only"), "{e}");
}

#[test]
fn a_refused_require_fs_proposes_the_plugins_directory_if_known() {
    let dir = plugin_dir();
    let real = std::fs::canonicalize(dir.path()).expect("canon");
    let p = Permissions::default();
    let e = p
        .grant_for(&module_refused("fs"))
        .expect_err("no dir known");
    assert!(e.0.contains("names no directory"), "{e}");
    let g = p
        .grant_for_in(&module_refused("node:fs"), Some(&real))
        .expect("the plugin's directory");
    assert_eq!(g, Grant::Read(real));
    assert!(p
        .grant_for_in(&module_refused("fs"), Some(Path::new("/etc")))
        .is_err());
}

#[test]
fn a_refused_fetch_proposes_its_host_protocol_and_port() {
    let p = Permissions::default();
    let g = p
        .grant_for(&blocked(
            Category::Network,
            "http://127.0.0.1:8080/api?q=1",
            "not granted",
        ))
        .expect("a host grant");
    assert_eq!(g.to_string(), "net http://127.0.0.1:8080");
    let g = p
        .grant_for(&blocked(Category::Network, "https://API.example.com/x", ""))
        .expect("https, default port");
    assert_eq!(
        g,
        Grant::Net(NetGrant {
            host: "api.example.com".into(),
            protocol: Protocol::Https,
            port: None
        })
    );
    // No URL (the fetch trap of a run granted no host), another scheme, a module.
    for cap in ["fetch", "ftp://h.example/x", "XMLHttpRequest"] {
        let e = p
            .grant_for(&blocked(Category::Network, cap, "fetch is not available"))
            .expect_err(cap);
        assert!(e.0.contains("no host to grant"), "{cap}: {e}");
    }
    let e = p.grant_for(&module_refused("http")).expect_err("http");
    assert!(e.0.contains("never be granted"), "{e}");
    // Already granted (refused for its address, say): nothing more to propose.
    let mut granted = p.clone();
    g.add_to(&mut granted);
    assert!(granted
        .grant_for(&blocked(
            Category::Network,
            "https://api.example.com/y",
            "private address"
        ))
        .is_err());
}

#[test]
fn modules_are_proposed_by_name_and_escapes_never() {
    let none = Permissions::none();
    let g = none
        .grant_for(&module_refused("node:events"))
        .expect("a module grant");
    assert_eq!(g, Grant::Module("events".into()));
    // `path` is in the Filesystem category, still a module grant.
    assert_eq!(
        none.grant_for(&module_refused("path")),
        Ok(Grant::Module("path".into()))
    );
    assert!(Permissions::default()
        .grant_for(&module_refused("events"))
        .expect_err("already")
        .0
        .contains("already granted"));
    for name in ["child_process", "vm", "os", "worker_threads", "lodash"] {
        assert!(none.grant_for(&module_refused(name)).is_err(), "{name}");
    }
    for (cat, cap) in [
        (Category::ChildProcess, "child_process"),
        (Category::CodeGeneration, "eval"),
        (Category::CodeGeneration, "Function"),
        (Category::ProcessAccess, "process"),
        (Category::VmEscape, "constructor"),
        (Category::ModuleLoading, "import()"),
        (Category::PrototypePollution, "prototype"),
    ] {
        let e = none
            .grant_for(&blocked(cat, cap, "refused"))
            .expect_err(cap);
        assert!(!e.0.is_empty(), "{cap}");
    }
}

#[test]
fn permissions_round_trip_as_json() {
    let mut p = Permissions::default();
    p.add_read(PathBuf::from("/srv/data"));
    p.network = NetGrant::parse_flag("api.example.com:8443").expect("grant");
    let text = serde_json::to_string(&p).expect("json");
    let back: Permissions = serde_json::from_str(&text).expect("parse");
    assert_eq!(back, p);
    let partial: Permissions = serde_json::from_str("{}").expect("defaults");
    assert_eq!(partial, Permissions::default());
}

#[test]
fn profile_parses() {
    assert_eq!("lab".parse::<Profile>(), Ok(Profile::Lab));
    assert!("root".parse::<Profile>().is_err());
}
