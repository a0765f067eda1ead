//! Embeds `samples/*.js` into the binary (see `src/samples.rs`).
use std::fmt::Write as _;

fn main() {
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
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(std::path::Path::new(&out_dir).join("samples.rs"), out)
        .expect("write samples.rs");
}
