//! `sandbench sign [--key NAME] PATH`: writes a detached signature over a file (plus the
//! `sandbench.toml` beside it) or over a directory's Merkle root.

use crate::engine::trust::sign;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The file or plugin directory to sign.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Which of your keys (`sandbench key list`); needed only when you have several.
    #[arg(long, value_name = "NAME")]
    pub key: Option<String>,
}

pub(crate) fn main(args: SignArgs) -> u8 {
    let Some(data) = crate::dirs::data_dir() else {
        return super::usage_error(sign::KeyError::NoDataDir);
    };
    let (name, key) = match sign::pick_signing_key(&data, args.key.as_deref()) {
        Ok(k) => k,
        Err(e) => return super::usage_error(e),
    };
    match sign::sign_path(&args.path, &key, &name) {
        Ok((sig_path, sig)) => {
            let what = if sig.kind == "dir" {
                format!("Merkle root {} of {} files", sig.root, sig.files.len())
            } else {
                format!("sha256 {}", sig.root)
            };
            let manifest = if sig.manifest.is_some() {
                format!(" and {}", sign::MANIFEST_FILE)
            } else {
                String::new()
            };
            println!(
                "signed {}{manifest} as '{}' ({what})\nsignature: {}",
                super::shown(args.path.display()),
                super::shown(&name),
                super::shown(sig_path.display())
            );
            super::EXIT_OK
        }
        Err(e) => super::usage_error(e),
    }
}
