//! Embeds `samples/*.js` (and the wasm executor's `samples/*.wat`) into the binary (see `src/samples.rs`), and names the build: a hash
//! of the sources (`SANDBENCH_BUILD_ID`), which the dedicated worker program reports so that a
//! stale `sandbench-worker` left next to a rebuilt `sandbench` is never used.
// A build script reports failure by panicking: cargo prints the message and stops the build.
#![allow(clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    build_id();
    samples();
}

/// FNV-1a over every source file's path and contents (not a security measure: it tells two
/// builds of different sources apart).
fn build_id() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for p in ["src", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(p).display());
    }
    let mut files = vec![root.join("Cargo.toml"), root.join("Cargo.lock")];
    collect(&root.join("src"), &mut files);
    files.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(env!("CARGO_PKG_VERSION").as_bytes());
    for f in &files {
        eat(f
            .strip_prefix(root)
            .unwrap_or(f)
            .to_string_lossy()
            .as_bytes());
        eat(&std::fs::read(f).unwrap_or_default());
        eat(&[0]);
    }
    println!("cargo:rustc-env=SANDBENCH_BUILD_ID={h:016x}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn samples() {
    println!("cargo:rerun-if-changed=samples");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".js"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("static SAMPLES: &[Sample] = &[\n");
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            out,
            "    Sample {{ name: {n:?}, source: include_str!({:?}) }},",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    // WebAssembly text samples (the wasm executor's), in a list of their own.
    let mut wat: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".wat"))
                .collect()
        })
        .unwrap_or_default();
    wat.sort();
    out.push_str("static WASM_SAMPLES: &[Sample] = &[\n");
    for n in &wat {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            out,
            "    Sample {{ name: {n:?}, source: include_str!({:?}) }},",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(std::path::Path::new(&out_dir).join("samples.rs"), out)
        .expect("write samples.rs");
}
