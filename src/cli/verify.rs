//! `sandbench verify PATH`: checks the signature of a file or directory against its current
//! content and `trusted_signers.toml`. Exit 0 when valid and trusted, 1 for every bad
//! signature (each with its own message), 2 when PATH itself cannot be read.

use crate::engine::trust::sign::{self, TrustedSigners, VerifyError};
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed file or plugin directory.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// One JSON object: ok, signer, or the error kind and message.
    #[arg(long)]
    pub json: bool,
}

/// A stable name per failure, for `--json` and scripts.
pub(crate) fn error_kind(e: &VerifyError) -> &'static str {
    match e {
        VerifyError::NoSignature { .. } => "unsigned",
        VerifyError::Read { .. } => "unreadable",
        VerifyError::Malformed { .. } => "malformed",
        VerifyError::Unsupported { .. } => "unsupported",
        VerifyError::BadSignature { .. } => "bad_signature",
        VerifyError::WrongTarget { .. } => "wrong_target",
        VerifyError::Modified { .. } => "modified",
        VerifyError::UnknownSigner { .. } => "unknown_signer",
        VerifyError::WrongKey { .. } => "wrong_key",
        VerifyError::Hash(_) => "unhashable",
        VerifyError::Signers(_) => "bad_signers_file",
    }
}

#[derive(Serialize)]
struct Out<'a> {
    path: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    verified: Option<&'a sign::Verified>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

pub(crate) fn main(args: VerifyArgs) -> u8 {
    if let Err(e) = std::fs::symlink_metadata(&args.path) {
        return super::usage_error(format!("{}: {e}", args.path.display()));
    }
    let signers = match crate::dirs::config_dir() {
        None => Ok((TrustedSigners::default(), Vec::new())),
        Some(dir) => TrustedSigners::load(&dir),
    };
    let result = signers
        .map_err(VerifyError::from)
        .and_then(|(s, warnings)| {
            for w in warnings {
                eprintln!("sandbench: warning: {}", super::shown(w));
            }
            sign::verify_path(&args.path, &s)
        });
    let path = args.path.to_string_lossy().into_owned();
    if args.json {
        let out = match &result {
            Ok(v) => Out {
                path,
                ok: true,
                verified: Some(v),
                error: None,
                message: None,
            },
            Err(e) => Out {
                path,
                ok: false,
                verified: None,
                error: Some(error_kind(e)),
                message: Some(e.to_string()),
            },
        };
        if let Ok(j) = serde_json::to_string(&out) {
            println!("{}", super::run::escape_json_text(&j));
        }
    } else {
        match &result {
            Ok(v) => {
                let as_name = if v.signed_as == v.signer {
                    String::new()
                } else {
                    format!(", signed as '{}'", v.signed_as)
                };
                println!(
                    "OK {}: signed by {}{as_name} (key {}…, {}); {} {}",
                    super::shown(&path),
                    super::shown(&v.signer),
                    v.public_key.chars().take(16).collect::<String>(),
                    super::shown(&v.signed_at),
                    if v.kind == "dir" {
                        "Merkle root"
                    } else {
                        "sha256"
                    },
                    v.root
                );
            }
            Err(e) => eprintln!("sandbench: {}: {}", super::shown(&path), super::shown(e)),
        }
    }
    if result.is_ok() {
        super::EXIT_OK
    } else {
        super::EXIT_FAIL
    }
}
