use super::*;
use std::os::unix::fs::symlink;

/// A granted root `root/` beside a secret `outside/secret.txt`, in a fresh temp dir.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("sub/deeper")).expect("dirs");
        std::fs::write(root.join("config.json"), r#"{"ok":true}"#).expect("write");
        std::fs::write(root.join("sub/deeper/x.txt"), "deep").expect("write");
        std::fs::create_dir(dir.path().join("outside")).expect("dir");
        std::fs::write(dir.path().join("outside/secret.txt"), "secret").expect("write");
        World { dir }
    }
    fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }
    fn broker(&self, walk: bool) -> FsBroker {
        let mut p = Permissions::default();
        p.add_read(self.root());
        let mut b = FsBroker::new(&p, Arc::new(Counters::default()));
        if walk {
            b.force_walk();
        }
        b
    }
}

fn refused(r: Result<impl std::fmt::Debug, Failure>) -> Failure {
    let f = r.expect_err("must fail");
    assert_eq!(f.kind, FailKind::Refused, "{f:?}");
    let refusal = f.refusal.as_ref().expect("a refusal to record");
    assert_eq!(refusal.category, Category::Filesystem);
    f
}

fn both(test: impl Fn(&World, &mut FsBroker)) {
    for walk in [false, true] {
        let w = World::new();
        let mut b = w.broker(walk);
        test(&w, &mut b);
        if !walk {
            assert_ne!(
                b.resolver(),
                Resolver::Walk,
                "this kernel should have openat2"
            );
        }
    }
}

#[test]
fn reads_beneath_the_root_work_by_relative_and_absolute_path() {
    both(|w, b| {
        assert_eq!(b.read("config.json").expect("read"), br#"{"ok":true}"#);
        let abs = w.root().join("sub/deeper/x.txt");
        assert_eq!(b.read(abs.to_str().expect("utf8")).expect("read"), b"deep");
        assert_eq!(b.read("sub/../sub/deeper/./x.txt").expect("read"), b"deep");
        let names: Vec<String> = b
            .readdir(".")
            .expect("readdir")
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["config.json", "sub"]);
        assert!(b.stat("sub").expect("stat").is_dir);
        assert_eq!(b.stat("config.json").expect("stat").size, 11);
        assert!(b.exists("config.json").expect("exists"));
        assert!(!b.exists("nope.json").expect("exists"));
        let e = b.read("nope.json").expect_err("missing");
        assert_eq!((e.kind, e.code.as_str()), (FailKind::Failed, "ENOENT"));
        assert!(
            e.message
                .starts_with("ENOENT: no such file or directory, open 'nope.json'"),
            "{}",
            e.message
        );
        assert_eq!(b.read("sub").expect_err("dir").code, "EISDIR");
        assert_eq!(b.readdir("config.json").expect_err("file").code, "ENOTDIR");
    });
}

#[test]
fn dot_dot_absolute_paths_and_nul_are_refused() {
    both(|w, b| {
        let f = refused(b.read("../outside/secret.txt"));
        assert!(
            f.message.contains("outside the granted directory"),
            "{}",
            f.message
        );
        assert_eq!(f.refusal.expect("refusal").target, "../outside/secret.txt");
        refused(b.read("sub/../../outside/secret.txt"));
        let secret = w.dir.path().join("outside/secret.txt");
        let f = refused(b.read(secret.to_str().expect("utf8")));
        assert!(
            f.message.contains("outside every granted directory"),
            "{}",
            f.message
        );
        refused(b.read("/etc/passwd"));
        refused(b.read("/proc/self/environ"));
        refused(b.read("config.json\0.png"));
        // A root path going out and back in is refused too (it left the root).
        let back = format!("{}/../root/config.json", w.root().display());
        refused(b.read(&back));
        refused(b.exists("../outside/secret.txt"));
        refused(b.readdir(".."));
    });
}

#[test]
fn symlinks_are_followed_only_beneath_the_root() {
    both(|w, b| {
        let root = w.root();
        symlink("sub/deeper/x.txt", root.join("inside")).expect("symlink");
        symlink("sub/deeper", root.join("dirlink")).expect("symlink");
        symlink("../outside/secret.txt", root.join("out-rel")).expect("symlink");
        symlink(
            w.dir.path().join("outside/secret.txt"),
            root.join("out-abs"),
        )
        .expect("symlink");
        symlink("/proc/self/environ", root.join("proc")).expect("symlink");
        symlink("loop", root.join("loop")).expect("symlink");
        assert_eq!(b.read("inside").expect("in-root link"), b"deep");
        assert_eq!(b.read("dirlink/x.txt").expect("in-root dir link"), b"deep");
        assert_eq!(
            b.read("dirlink/../deeper/x.txt").expect("physical .."),
            b"deep"
        );
        refused(b.read("out-rel"));
        refused(b.read("out-abs"));
        refused(b.read("proc"));
        assert_eq!(b.read("loop").expect_err("loop").code, "ELOOP");
        let kinds: Vec<EntryKind> = b
            .readdir(".")
            .expect("readdir")
            .into_iter()
            .filter(|e| e.name == "inside")
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, [EntryKind::Symlink]);
    });
}

#[test]
fn a_symlinked_root_component_works_and_its_canonical_path_too() {
    let w = World::new();
    let link = w.dir.path().join("root-link");
    symlink(w.root(), &link).expect("symlink");
    for walk in [false, true] {
        let mut p = Permissions::default();
        p.add_read(link.clone());
        let mut b = FsBroker::new(&p, Arc::new(Counters::default()));
        if walk {
            b.force_walk();
        }
        assert_eq!(
            b.read(&format!("{}/config.json", link.display()))
                .expect("via link"),
            br#"{"ok":true}"#
        );
        let canonical = std::fs::canonicalize(w.root()).expect("canonical");
        assert_eq!(
            b.read(&format!("{}/config.json", canonical.display()))
                .expect("canonical"),
            br#"{"ok":true}"#
        );
    }
}

#[test]
fn hard_links_fifos_and_devices_are_refused() {
    both(|w, b| {
        let root = w.root();
        std::fs::hard_link(w.dir.path().join("outside/secret.txt"), root.join("hard"))
            .expect("link");
        let f = refused(b.read("hard"));
        assert!(f.message.contains("2 hard links"), "{}", f.message);
        refused(b.stat("hard"));
        let fifo = root.join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .expect("mkfifo");
        // Refused before it is opened: a read never blocks on it.
        let f = refused(b.read("fifo"));
        assert!(f.message.contains("FIFO"), "{}", f.message);
        symlink("/dev/zero", root.join("zero")).expect("symlink");
        refused(b.read("zero"));
        // The benign twin: a file with a single link reads.
        assert_eq!(
            b.read("config.json").expect("single link"),
            br#"{"ok":true}"#
        );
    });
}

#[test]
fn a_directory_swapped_for_a_symlink_is_resolved_again_and_refused() {
    both(|w, b| {
        let root = w.root();
        assert_eq!(b.read("sub/deeper/x.txt").expect("before"), b"deep");
        std::fs::rename(root.join("sub"), w.dir.path().join("moved")).expect("move");
        std::fs::create_dir(w.dir.path().join("evil")).expect("dir");
        std::fs::create_dir(w.dir.path().join("evil/deeper")).expect("dir");
        std::fs::write(w.dir.path().join("evil/deeper/x.txt"), "stolen").expect("write");
        symlink(w.dir.path().join("evil"), root.join("sub")).expect("swap");
        refused(b.read("sub/deeper/x.txt"));
        std::fs::remove_file(root.join("sub")).expect("unlink");
        symlink("../evil", root.join("sub")).expect("swap");
        refused(b.read("sub/deeper/x.txt"));
    });
}

#[test]
fn reads_are_capped_per_file_per_run_and_in_calls() {
    let w = World::new();
    std::fs::write(w.root().join("big.bin"), vec![7u8; 5000]).expect("write");
    let mut p = Permissions::default();
    p.add_read(w.root());
    p.limits.fs_max_file_bytes = 4096;
    p.limits.fs_max_total_bytes = 30;
    p.limits.fs_max_ops = 6;
    let counters = Arc::new(Counters::default());
    let mut b = FsBroker::new(&p, Arc::clone(&counters));
    let e = b.read("big.bin").expect_err("too big");
    assert_eq!(
        (e.kind, e.code.as_str()),
        (FailKind::Limit, "ERR_SANDBOX_LIMIT")
    );
    assert!(e.message.contains("5000 bytes"), "{}", e.message);
    assert_eq!(b.read("config.json").expect("small").len(), 11);
    assert_eq!(b.read("config.json").expect("small").len(), 11);
    let e = b.read("config.json").expect_err("run total");
    assert!(e.message.contains("run's limit"), "{}", e.message);
    let u = counters.snapshot();
    assert_eq!((u.fs_reads, u.fs_bytes_read), (2, 22));
    b.stat(".").expect("5th call");
    b.stat(".").expect("6th call");
    let e = b.stat(".").expect_err("7th call");
    assert!(e.message.contains("6 filesystem calls"), "{}", e.message);
}

#[test]
fn kernel_pseudo_filesystems_and_missing_roots_are_refused() {
    for root in ["/proc/self", "/sys/kernel", "/dev"] {
        let mut p = Permissions::default();
        p.add_read(PathBuf::from(root));
        let mut b = FsBroker::new(&p, Arc::new(Counters::default()));
        let f = refused(b.read("environ"));
        assert!(
            f.message.contains("pseudo-filesystem"),
            "{root}: {}",
            f.message
        );
    }
    let mut p = Permissions::default();
    p.add_read(PathBuf::from("/nonexistent-sandbench-root"));
    let mut b = FsBroker::new(&p, Arc::new(Counters::default()));
    assert!(refused(b.read("x")).message.contains("does not exist"));
}
