//! What `run` does around each run for trust and audit: the trust policy before it
//! (`--require-signed`), the audit line and the OpenTelemetry span after it. Kept out of
//! `run.rs` so that file only calls in.
//!
//! Failures here never change a run's result: an unwritable audit log or a dead collector is a
//! warning on stderr, after the result has been printed.

use crate::engine::exec::{ExecOutcome, ExecRequest, Executor, JsError, Outcome};
use crate::engine::policy::{Permissions, Profile};
use crate::engine::scan::Report;
use crate::engine::text::escape;
use crate::engine::trust::audit::{AuditEntry, AuditLog, RunContext};
use crate::engine::trust::sign::TrustedSigners;
use crate::engine::trust::telemetry::{self, RunSpan, Telemetry};
use crate::engine::trust::{self, TrustConfig, TrustState};
use clap::Args;
use std::path::Path;

#[derive(Debug, Args, Default)]
pub struct TrustArgs {
    /// Refuse unsigned or untrusted code (outcome `blocked`); the default comes from
    /// `[trust] require_signed` in config.toml.
    #[arg(long, conflicts_with = "allow_unsigned")]
    pub require_signed: bool,
    /// Run unsigned code even if config.toml sets `require_signed`.
    #[arg(long)]
    pub allow_unsigned: bool,
    /// Export a `security.isolate.execute` span per run to this OTLP/HTTP endpoint (base URL;
    /// `/v1/traces` is appended). Overrides OTEL_EXPORTER_OTLP_ENDPOINT.
    #[arg(long, value_name = "URL")]
    pub otlp: Option<String>,
}

fn warn(msg: impl std::fmt::Display) {
    eprintln!("sandbench: warning: {}", escape(&msg.to_string(), false));
}

/// The trust and audit side of one `run` invocation.
pub struct RunTrust {
    require_signed: bool,
    signers: TrustedSigners,
    audit: Option<AuditLog>,
    telemetry: Option<Telemetry>,
}

impl RunTrust {
    /// Reads the config and the trusted signers and starts the exporter. The error is a usage
    /// error: with `--require-signed` an unreadable signers file means nothing can be trusted.
    pub fn setup(args: &TrustArgs) -> Result<RunTrust, String> {
        RunTrust::setup_with(args, &mut |w| warn(w))
    }

    /// [`RunTrust::setup`] with the warnings handed to `warn` (the workbench shows them in
    /// its messages view rather than on stderr).
    pub fn setup_with(args: &TrustArgs, warn: &mut dyn FnMut(String)) -> Result<RunTrust, String> {
        let config_dir = crate::dirs::config_dir();
        let (config, warnings) = TrustConfig::load(config_dir.as_deref());
        warnings.into_iter().for_each(&mut *warn);
        let require_signed = args.require_signed || (config.require_signed && !args.allow_unsigned);
        let signers = match config_dir.as_deref().map(TrustedSigners::load) {
            None => TrustedSigners::default(),
            Some(Ok((s, w))) => {
                w.into_iter().for_each(&mut *warn);
                s
            }
            Some(Err(e)) if require_signed => return Err(e.to_string()),
            Some(Err(e)) => {
                warn(format!("{e}; no signer is trusted"));
                TrustedSigners::default()
            }
        };
        let audit = match crate::dirs::data_dir() {
            Some(d) => {
                Some(AuditLog::new(d).with_rotation(config.audit_max_bytes, config.audit_keep))
            }
            None => {
                warn("no data directory (set SANDBENCH_DATA_DIR): runs are not audited".into());
                None
            }
        };
        let (settings, warnings) = telemetry::settings(args.otlp.as_deref());
        warnings.into_iter().for_each(&mut *warn);
        let telemetry = match settings {
            Ok(Some(s)) => Some(Telemetry::new(s)),
            Ok(None) => None,
            Err(e) => {
                warn(format!("{e}; spans are not exported"));
                None
            }
        };
        Ok(RunTrust {
            require_signed,
            signers,
            audit,
            telemetry,
        })
    }

    /// Whether unsigned code is refused.
    pub fn require_signed(&self) -> bool {
        self.require_signed
    }

    /// The trusted signers read at set-up.
    pub fn signers(&self) -> &TrustedSigners {
        &self.signers
    }

    /// The audit log, when there is a data directory.
    pub fn audit_log(&self) -> Option<&AuditLog> {
        self.audit.as_ref()
    }

    /// The trust state of a file about to run (`None`: standard input, never signed).
    pub fn check(&self, path: Option<&Path>, code: &str) -> TrustState {
        match path {
            Some(p) => trust::check_file(p, code.as_bytes(), &self.signers),
            None => TrustState::Unsigned,
        }
    }

    /// [`RunTrust::check`] for a file's bytes (a WebAssembly module need not be UTF-8).
    pub fn check_bytes(&self, path: Option<&Path>, bytes: &[u8]) -> TrustState {
        match path {
            Some(p) => trust::check_file(p, bytes, &self.signers),
            None => TrustState::Unsigned,
        }
    }

    /// The outcome `blocked` when the policy refuses code in this state; `None` lets it run.
    pub fn refuse(
        &self,
        state: &TrustState,
        executor: &dyn Executor,
        req: &ExecRequest,
    ) -> Option<ExecOutcome> {
        if !self.require_signed || state.is_signed() {
            return None;
        }
        let error = JsError {
            name: trust::POLICY_ERROR.to_string(),
            message: format!(
                "not run: signed code is required (--require-signed or [trust] require_signed) and this code is {}",
                state.describe()
            ),
            stack: String::new(),
        };
        Some(ExecOutcome::not_run(
            executor.name(),
            req,
            Outcome::Blocked,
            Some(error),
        ))
    }

    /// Appends the audit line and hands the span to the exporter. Call after the result has
    /// been printed.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        file: &str,
        outcome: &ExecOutcome,
        report: &Report,
        state: &TrustState,
        profile: Profile,
        permissions: &Permissions,
        scan_cache_hit: bool,
        forced: bool,
    ) {
        let ctx = RunContext {
            source: "cli",
            file,
            profile,
            permissions,
            trust: state,
            scan_cache_hit,
            forced,
        };
        self.record_with(&ctx, outcome, report, &mut |w| warn(w));
    }

    /// [`RunTrust::record`] for any source, with the warnings handed to `warn`.
    pub fn record_with(
        &self,
        ctx: &RunContext<'_>,
        outcome: &ExecOutcome,
        report: &Report,
        warn: &mut dyn FnMut(String),
    ) {
        let end = std::time::SystemTime::now();
        if let Some(t) = &self.telemetry {
            t.record(RunSpan::from_run(
                ctx.file,
                outcome,
                report,
                ctx.trust,
                ctx.profile,
                end,
            ));
        }
        if let Some(log) = &self.audit {
            match log.append(&AuditEntry::from_run(ctx, outcome, report)) {
                Ok(a) if a.repaired_bytes > 0 => warn(format!(
                    "audit log: cut {} bytes of a half-written line before appending",
                    a.repaired_bytes
                )),
                Ok(_) => {}
                Err(e) => warn(format!("audit log not written: {e}")),
            }
        }
    }

    /// Flushes the spans (bounded wait).
    pub fn finish(self) {
        self.finish_with(&mut |w| warn(w));
    }

    /// [`RunTrust::finish`] with the warnings handed to `warn`.
    pub fn finish_with(self, warn: &mut dyn FnMut(String)) {
        if let Some(t) = self.telemetry {
            let dropped = t.dropped();
            if let Err(e) = t.shutdown() {
                warn(e.to_string());
            }
            if dropped > 0 {
                warn(format!("{dropped} span(s) dropped (exporter queue full)"));
            }
        }
    }
}

/// A line for the human report, when there is something to say about trust.
pub(crate) fn human_line(state: &TrustState) -> Option<String> {
    match state {
        TrustState::Unsigned => None,
        s => Some(escape(&s.describe(), false).into_owned()),
    }
}
