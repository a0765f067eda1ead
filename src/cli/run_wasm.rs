//! `sandbench run x.wasm|x.wat [--invoke NAME ARGS…]`: WebAssembly modules on the `wasm`
//! executor, with the same checks, gate, report formats, trust policy and audit as scripts.
//!
//! Everything is checked before anything runs: every file is read (bounded), parsed (`.wat`)
//! and validated; a bad one is one line on stderr and exit 2. Then each module is scanned
//! (imports and data strings, `scan::wasm`), gated on a `block` verdict unless `--force`, and
//! run in the locked-down wasm worker.

use super::run::{gate_verdict_error, human_report, json_line_with, RunArgs, RunConfig};
use crate::engine::exec::wasm::{module_bytes, WasmExecutor, WasmRequest, MAX_MODULE_BYTES};
use crate::engine::exec::{CancelToken, ExecOutcome, ExecRequest, Outcome};
use crate::engine::policy::{Limits, Permissions};
use crate::engine::scan::{wasm::scan_module, Verdict};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A module file by its name.
pub fn is_module_file(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("wasm" | "wat"))
}

struct Job {
    display: String,
    path: PathBuf,
    /// The file as read (what is hashed for trust and scanned).
    file: Vec<u8>,
    /// The validated binary.
    module: Vec<u8>,
}

/// Runs the command when its files are modules: `None` when they are scripts (the caller runs
/// them); `Some(exit code)` otherwise.
pub fn dispatch(args: &RunArgs, config: &RunConfig) -> Option<u8> {
    let modules = args.files.iter().filter(|p| is_module_file(p)).count();
    if modules == 0 {
        if args.invoke.is_some() {
            return Some(super::usage_error(
                "--invoke applies to WebAssembly modules (.wasm, .wat) only",
            ));
        }
        return None;
    }
    if modules != args.files.len() {
        return Some(super::usage_error(
            "run WebAssembly modules (.wasm, .wat) and scripts in separate commands",
        ));
    }
    Some(main(args, config))
}

fn load(path: &Path) -> Result<Job, String> {
    let display = crate::files::shown(path, "<stdin>");
    let file = crate::files::read_bytes(path, MAX_MODULE_BYTES).map_err(|e| e.to_string())?;
    let module = module_bytes(&file).map_err(|e| format!("{display}: {e}"))?;
    Ok(Job {
        display,
        path: path.to_path_buf(),
        file,
        module,
    })
}

/// A module's permissions and run limits: the read directories, capability limits and run
/// limits of its manifest and flags (as a script's), nothing else. A manifest that grants
/// hosts is refused: a module has no sockets, and a grant that would silently not apply
/// misleads.
fn module_grants(job: &Job, config: &RunConfig) -> Result<(Permissions, Limits), String> {
    let file = (job.path.as_os_str() != "-").then_some(job.path.as_path());
    let (req, fg) = config.request_for("", &job.display, file)?;
    if fg.permissions.grants_network() {
        let from = fg
            .manifest
            .as_ref()
            .map(|m| format!(" (from {})", m.display()))
            .unwrap_or_default();
        return Err(format!(
            "{}: a WebAssembly module cannot be granted hosts{from}: it has no sockets",
            job.display
        ));
    }
    // The manifest's run limits apply as for a script (the flags over them).
    Ok((
        crate::engine::exec::wasm::read_only(&fg.permissions),
        req.limits,
    ))
}

fn main(args: &RunArgs, config: &RunConfig) -> u8 {
    if args.executor != "auto" && args.executor != crate::engine::exec::wasm::NAME {
        return super::usage_error(format!(
            "executor '{}' runs JavaScript; WebAssembly modules run on 'wasm' (or 'auto')",
            args.executor
        ));
    }
    if args.input.is_some() || args.input_file.is_some() {
        return super::usage_error("--input applies to scripts, not WebAssembly modules");
    }
    // A module can be granted directories to read (read-only WASI preopens served by the
    // broker) and nothing else: a host or module grant asked for is refused here rather than
    // silently not applied.
    let p = &args.permissions;
    if !p.allow_net.is_empty() || !p.allow_module.is_empty() {
        return super::usage_error(
            "--allow-net and --allow-module apply to scripts: a WebAssembly module can only be \
             granted directories to read (--allow-read)",
        );
    }
    let executor = match WasmExecutor::new() {
        Ok(x) => x,
        Err(e) => return super::usage_error(format!("executor 'wasm' is not available here: {e}")),
    };
    let mut jobs = Vec::with_capacity(args.files.len());
    for p in &args.files {
        match load(p) {
            Ok(j) => jobs.push(j),
            Err(e) => return super::usage_error(e),
        }
    }
    let (invoke, call_args) = match &args.invoke {
        Some(v) => (v.first().cloned(), v.iter().skip(1).cloned().collect()),
        None => (None, Vec::new()),
    };
    let mut requests = Vec::with_capacity(jobs.len());
    for j in &jobs {
        let (permissions, limits) = match module_grants(j, config) {
            Ok(p) => p,
            Err(e) => return super::usage_error(e),
        };
        requests.push(WasmRequest {
            module: j.module.clone(),
            filename: super::run::script_name(&j.display),
            limits,
            invoke: invoke.clone(),
            args: call_args.clone(),
            permissions,
        });
    }
    if let Some(e) = requests.iter().zip(&jobs).find_map(|(r, j)| {
        crate::engine::exec::wasm::check_request(r)
            .err()
            .map(|e| format!("{}: {e}", j.display))
    }) {
        return super::usage_error(e);
    }
    let (trust, color, mut out) = match super::run::open_output(args) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mut code = super::EXIT_OK;
    for (job, req) in jobs.iter().zip(&requests) {
        let (report, _info) = scan_module(&job.file);
        let path = (job.path.as_os_str() != "-").then_some(job.path.as_path());
        let state = trust.check_bytes(path, &job.file);
        // The trust refusal is built from a request; its hash is the module's.
        let mut as_script = ExecRequest::new(String::new());
        as_script.limits = req.limits;
        let refused = trust.refuse(&state, &executor, &as_script).map(|mut o| {
            o.code_sha256 = crate::engine::hash::sha256_hex(&req.module);
            o
        });
        let (outcome, forced) = match refused {
            Some(o) => (o, false),
            None if report.verdict == Verdict::Block && !args.force => {
                let mut o = ExecOutcome::not_run(
                    crate::engine::exec::wasm::NAME,
                    &as_script,
                    Outcome::Blocked,
                    Some(gate_verdict_error(&report)),
                );
                o.code_sha256 = crate::engine::hash::sha256_hex(&req.module);
                (o, false)
            }
            None => (
                executor.run_module(req, &CancelToken::new(), &mut |_| {}),
                report.verdict == Verdict::Block,
            ),
        };
        if outcome.outcome != Outcome::Ok {
            code = super::EXIT_FAIL;
        }
        let text = if args.json {
            json_line_with(&job.display, &outcome, &report, forced, Some(&state))
        } else {
            let mut t = human_report(&job.display, &outcome, &report, forced, color);
            if let Some(line) = super::run_trust::human_line(&state) {
                t.push_str(&format!("  {:<9}{line}\n", "trust"));
            }
            t
        };
        let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        trust.record(
            &job.display,
            &outcome,
            &report,
            &state,
            config.profile,
            &req.permissions,
            false,
            forced,
        );
        if written.is_err() {
            break;
        }
    }
    trust.finish();
    code
}
