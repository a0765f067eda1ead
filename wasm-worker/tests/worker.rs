//! The worker program on its own: it locks down, proves it, and says what it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn the_wasm_worker_passes_the_lockdown_probe() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sandbench-wasm-worker"))
        .arg("--probe")
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.starts_with(sandbench::engine::exec::process::PROBE_HANDSHAKE),
        "{line}"
    );
    assert!(
        line.contains(sandbench::engine::exec::process::BUILD_ID),
        "{line}"
    );
    // Run by hand with anything else, it says what it is.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sandbench-wasm-worker"))
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
