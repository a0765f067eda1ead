//! `sandbench audit verify`: walks the audit log's hash chain (README "Audit log") and names
//! the first edited, deleted, reordered or half-written line. Exit 0 intact, 1 broken, 2 when
//! the log cannot be read.

use crate::engine::trust::audit::AuditLog;
use crate::engine::trust::TrustConfig;
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every line's link to the one before it, across rotated files.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

/// The log as configured (directory and rotation).
pub(crate) fn open_log() -> Result<AuditLog, String> {
    let data = crate::dirs::data_dir().ok_or("no data directory (set SANDBENCH_DATA_DIR)")?;
    let (config, _) = TrustConfig::load(crate::dirs::config_dir().as_deref());
    Ok(AuditLog::new(data).with_rotation(config.audit_max_bytes, config.audit_keep))
}

pub(crate) fn main(args: AuditArgs) -> u8 {
    let AuditCommand::Verify { json } = args.command;
    let log = match open_log() {
        Ok(l) => l,
        Err(e) => return super::usage_error(e),
    };
    let report = match log.verify() {
        Ok(r) => r,
        Err(e) => return super::usage_error(e),
    };
    if json {
        if let Ok(j) = serde_json::to_string(&report) {
            println!("{}", super::run::escape_json_text(&j));
        }
    } else if let Some(p) = &report.problem {
        eprintln!("sandbench: audit log broken: {}", super::shown(p));
    } else if report.lines == 0 {
        println!(
            "audit log is empty ({})",
            super::shown(log.path().display())
        );
    } else {
        println!(
            "audit log OK: {} line{} in {} file{} ({}), seq {}..{}",
            report.lines,
            if report.lines == 1 { "" } else { "s" },
            report.files.len(),
            if report.files.len() == 1 { "" } else { "s" },
            super::shown(log.dir().display()),
            report.first_seq.unwrap_or(0),
            report.last_seq.unwrap_or(0),
        );
        if let Some(h) = &report.last_hash {
            println!("last line sha256 {h} (keep it elsewhere to anchor the chain)");
        }
    }
    if !json {
        for n in &report.notes {
            println!("note: {}", super::shown(n));
        }
    }
    if report.problem.is_some() {
        super::EXIT_FAIL
    } else {
        super::EXIT_OK
    }
}
