use super::*;
use std::os::unix::fs::PermissionsExt;

fn signers_with(name: &str, key: &SigningKey) -> TrustedSigners {
    let mut s = TrustedSigners::default();
    s.insert(name.to_string(), key.verifying_key());
    s
}

#[test]
fn names_are_safe_file_names() {
    for ok in ["alice", "ci-bot", "a.b_c", "A1"] {
        assert!(valid_name(ok), "{ok}");
    }
    for bad in [
        "",
        ".hidden",
        "-x",
        "a/b",
        "a b",
        "ä",
        "../x",
        &"x".repeat(65),
    ] {
        assert!(!valid_name(bad), "{bad}");
    }
}

#[test]
fn key_files_are_0600_pkcs8_and_loadable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let info = generate_key(dir.path(), "alice").expect("key");
    let mode = std::fs::metadata(&info.path)
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let dmode = std::fs::metadata(keys_dir(dir.path()))
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dmode, 0o700);
    let pem = std::fs::read_to_string(&info.path).expect("read");
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{pem}");
    let key = load_signing_key(dir.path(), "alice").expect("load");
    assert_eq!(public_key_b64(&key.verifying_key()), info.public_key);
    let public = std::fs::read_to_string(public_key_path(dir.path(), "alice")).expect("pub");
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"), "{public}");
    assert!(matches!(
        generate_key(dir.path(), "alice"),
        Err(KeyError::Exists { .. })
    ));
    std::fs::set_permissions(&info.path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    assert!(matches!(
        load_signing_key(dir.path(), "alice"),
        Err(KeyError::Permissions { mode: 0o644, .. })
    ));
}

#[test]
fn signers_file_parses_and_skips_bad_entries() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let text = format!(
        "alice = \"{}\"\nbob = \"AAAA\"\ncarol = 3\n",
        public_key_b64(&key.verifying_key())
    );
    let (s, w) = TrustedSigners::parse(&text).expect("parse");
    assert_eq!(s.name_of(&key.verifying_key()), Some("alice"));
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(TrustedSigners::parse("alice = ").is_err());
}

#[test]
fn trust_signer_appends_and_keeps_comments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = SigningKey::from_bytes(&[1; 32]).verifying_key();
    let b = SigningKey::from_bytes(&[2; 32]).verifying_key();
    std::fs::write(dir.path().join(SIGNERS_FILE), "# mine").expect("write");
    assert_eq!(
        trust_signer(dir.path(), "a", &a).expect("add"),
        TrustOutcome::Added
    );
    assert_eq!(
        trust_signer(dir.path(), "a", &a).expect("again"),
        TrustOutcome::AlreadyTrusted
    );
    assert!(matches!(
        trust_signer(dir.path(), "a", &b),
        Err(KeyError::NameTaken { .. })
    ));
    let text = std::fs::read_to_string(dir.path().join(SIGNERS_FILE)).expect("read");
    assert!(text.starts_with("# mine\na = \""), "{text}");
    let (s, _) = TrustedSigners::load(dir.path()).expect("load");
    assert_eq!(s.key_of("a"), Some(&a));
}

#[test]
fn message_fields_are_length_prefixed() {
    let mut s = SignatureFile {
        version: 1,
        algorithm: ALGORITHM.into(),
        kind: "file".into(),
        name: "ab".into(),
        root: "0".repeat(64),
        manifest: None,
        signer: "c".into(),
        public_key: String::new(),
        signed_at: String::new(),
        signature: String::new(),
        files: vec![],
    };
    let m1 = signed_message(&s);
    s.name = "a".into();
    s.signer = "bc".into();
    assert_ne!(m1, signed_message(&s));
    assert!(m1.starts_with(SIG_DOMAIN));
}

#[test]
fn sign_and_verify_a_file_with_its_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("plugin.js");
    std::fs::write(&f, "1+1").expect("write");
    std::fs::write(dir.path().join(MANIFEST_FILE), "[permissions]\n").expect("write");
    let key = SigningKey::from_bytes(&[9; 32]);
    let (sig_path, sig) = sign_path(&f, &key, "alice").expect("sign");
    assert_eq!(sig_path, dir.path().join("plugin.js.sig"));
    assert_eq!(sig.root, merkle::sha256(b"1+1"));
    assert!(sig.manifest.is_some());
    let signers = signers_with("alice", &key);
    let v = verify_path(&f, &signers).expect("verify");
    assert_eq!(v.signer, "alice");

    // The run check over the bytes about to run.
    let found = find_signature_for_file(&f).expect("found");
    verify_for_run(&found, &f, b"1+1", &signers).expect("same bytes");
    assert!(matches!(
        verify_for_run(&found, &f, b"1+2", &signers),
        Err(VerifyError::Modified { .. })
    ));

    std::fs::write(
        dir.path().join(MANIFEST_FILE),
        "[permissions]\nnet = true\n",
    )
    .expect("write");
    let err = verify_path(&f, &signers).expect_err("manifest changed");
    assert!(err.to_string().contains("sandbench.toml"), "{err}");
}

#[test]
fn sign_and_verify_a_directory_naming_each_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().join("plug");
    std::fs::create_dir_all(d.join("lib")).expect("mkdir");
    std::fs::write(d.join("index.js"), "require('./lib/a')").expect("write");
    std::fs::write(d.join("lib/a.js"), "1").expect("write");
    std::fs::write(d.join("lib/b.js"), "2").expect("write");
    let key = SigningKey::from_bytes(&[3; 32]);
    let (sig_path, _) = sign_path(&d, &key, "alice").expect("sign");
    assert_eq!(sig_path, d.join(SIG_FILE_NAME));
    let signers = signers_with("alice", &key);
    verify_path(&d, &signers).expect("verify");

    std::fs::write(d.join("lib/a.js"), "11").expect("write");
    std::fs::rename(d.join("lib/b.js"), d.join("lib/c.js")).expect("rename");
    std::fs::write(d.join("new.js"), "3").expect("write");
    let VerifyError::Modified { changes } = verify_path(&d, &signers).expect_err("changed") else {
        panic!("expected Modified")
    };
    assert_eq!(
        changes,
        [
            "modified: lib/a.js",
            "renamed: lib/b.js → lib/c.js",
            "added: new.js"
        ]
    );
}
