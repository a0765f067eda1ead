//! `sandbench key new|list|trust`: Ed25519 key pairs in the data directory and the trusted
//! signers in the config directory (README "Key handling").

use crate::engine::trust::sign::{self, KeyError, TrustOutcome, TrustedSigners};
use clap::{Args, Subcommand};
use serde::Serialize;

#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    pub command: KeyCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create a key pair NAME: private key in the data directory (mode 0600), public key
    /// printed and trusted on this machine.
    New {
        /// 1-64 letters, digits, '.', '_' or '-'.
        name: String,
        /// Do not add the new key to this machine's trusted signers.
        #[arg(long)]
        no_trust: bool,
    },
    /// List your keys and the trusted signers.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Trust signatures made with KEY (base64 of the raw 32-byte public key) under NAME.
    Trust { name: String, key: String },
}

pub(crate) fn main(args: KeyArgs) -> u8 {
    match run(args.command) {
        Ok(()) => super::EXIT_OK,
        Err(e) => super::usage_error(e),
    }
}

fn dirs() -> Result<(std::path::PathBuf, std::path::PathBuf), KeyError> {
    let data = crate::dirs::data_dir().ok_or(KeyError::NoDataDir)?;
    let config = crate::dirs::config_dir().ok_or(KeyError::NoConfigDir)?;
    Ok((data, config))
}

#[derive(Serialize)]
struct Listed<'a> {
    keys: &'a [sign::KeyInfo],
    trusted_signers: Vec<Trusted>,
}

#[derive(Serialize)]
struct Trusted {
    name: String,
    public_key: String,
}

fn run(cmd: KeyCommand) -> Result<(), KeyError> {
    let (data, config) = dirs()?;
    match cmd {
        KeyCommand::New { name, no_trust } => {
            let info = sign::generate_key(&data, &name)?;
            println!("created key '{}'", super::shown(&info.name));
            println!(
                "  private  {} (mode 0600)",
                super::shown(info.path.display())
            );
            println!("  public   {}", info.public_key);
            if no_trust {
                println!("not added to the trusted signers (--no-trust)");
            } else {
                let key = sign::parse_public_key(&info.public_key)?;
                sign::trust_signer(&config, &name, &key)?;
                println!(
                    "trusted as '{}' in {}",
                    super::shown(&name),
                    super::shown(config.join(sign::SIGNERS_FILE).display())
                );
            }
        }
        KeyCommand::List { json } => {
            let keys = sign::list_keys(&data)?;
            let (signers, warnings) = TrustedSigners::load(&config)?;
            for w in warnings {
                eprintln!("sandbench: warning: {}", super::shown(w));
            }
            let trusted: Vec<Trusted> = signers
                .iter()
                .map(|(n, k)| Trusted {
                    name: n.to_string(),
                    public_key: sign::public_key_b64(k),
                })
                .collect();
            if json {
                let out = Listed {
                    keys: &keys,
                    trusted_signers: trusted,
                };
                if let Ok(j) = serde_json::to_string(&out) {
                    println!("{}", super::run::escape_json_text(&j));
                }
                return Ok(());
            }
            println!(
                "your keys ({}):",
                super::shown(sign::keys_dir(&data).display())
            );
            if keys.is_empty() {
                println!("  none (create one with `sandbench key new NAME`)");
            }
            for k in &keys {
                println!("  {:<16} {}", super::shown(&k.name), k.public_key);
            }
            println!(
                "trusted signers ({}):",
                super::shown(config.join(sign::SIGNERS_FILE).display())
            );
            if trusted.is_empty() {
                println!("  none");
            }
            for t in &trusted {
                println!("  {:<16} {}", super::shown(&t.name), t.public_key);
            }
        }
        KeyCommand::Trust { name, key } => {
            let k = sign::parse_public_key(&key)?;
            match sign::trust_signer(&config, &name, &k)? {
                TrustOutcome::Added => println!(
                    "trusted '{}' ({}…) in {}",
                    super::shown(&name),
                    sign::key_id(&k),
                    super::shown(config.join(sign::SIGNERS_FILE).display())
                ),
                TrustOutcome::AlreadyTrusted => {
                    println!("'{}' is already trusted with this key", super::shown(&name))
                }
            }
        }
    }
    Ok(())
}
