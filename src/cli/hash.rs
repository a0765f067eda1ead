//! `sandbench hash PATH`: a file's SHA-256, or a directory's Merkle root (README "Merkle
//! construction"). `--json` lists each leaf.

use crate::engine::trust::merkle::{self, Identity};
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct HashArgs {
    /// A file or a plugin directory.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// One JSON object: kind, root (or sha256), and for a directory every leaf.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Out<'a> {
    path: String,
    #[serde(flatten)]
    id: &'a Identity,
}

pub(crate) fn main(args: HashArgs) -> u8 {
    let id = match merkle::hash_path(&args.path) {
        Ok(id) => id,
        Err(e) => return super::usage_error(e),
    };
    let path = args.path.to_string_lossy().into_owned();
    if args.json {
        let out = Out { path, id: &id };
        match serde_json::to_string(&out) {
            Ok(j) => println!("{}", super::run::escape_json_text(&j)),
            Err(e) => return super::usage_error(format!("cannot encode: {e}")),
        }
        return super::EXIT_OK;
    }
    match &id {
        Identity::File { sha256, .. } => println!("{sha256}  {}", super::shown(&path)),
        Identity::Dir { root, leaves } => println!(
            "{root}  {}  (Merkle root of {} file{})",
            super::shown(&path),
            leaves.len(),
            if leaves.len() == 1 { "" } else { "s" }
        ),
    }
    super::EXIT_OK
}
