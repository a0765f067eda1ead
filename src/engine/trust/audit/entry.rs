//! What one run contributes to the log: the entry, built from the run's outcome, its scan
//! and its context, and the user it ran as.

use super::*;

/// A blocked capability and how often it was tried in one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditBlocked {
    pub category: Category,
    pub capability: String,
    pub count: u64,
}

/// What one run contributes to the log; `seq` and `prev` are added when it is appended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When the run finished (UTC, RFC 3339 with milliseconds).
    pub time: String,
    pub user: String,
    pub uid: u32,
    /// `cli` or `workbench`.
    pub source: String,
    pub file: String,
    pub sha256: String,
    /// `merkle_root`, `signer` and `trust` (the state's name).
    #[serde(flatten)]
    pub trust: TrustRecord,
    pub executor: String,
    pub profile: Profile,
    pub limits: LimitsReport,
    pub permissions: Permissions,
    pub verdict: Verdict,
    pub score: u8,
    /// Whether the scan was answered from the scanner's cache.
    pub scan_cache_hit: bool,
    /// A `block` verdict overridden with `--force`.
    pub forced: bool,
    pub outcome: Outcome,
    /// Why the run failed or was refused (`name: message`), bounded.
    pub reason: Option<String>,
    pub duration_ms: f64,
    pub cpu_ms: f64,
    pub peak_memory_bytes: u64,
    /// Resource usage beyond time and memory (network, files, modules) when the run reports it.
    pub usage: Option<serde_json::Value>,
    pub blocked_total: u64,
    pub blocked: Vec<AuditBlocked>,
}

/// The rest of what describes a run, besides its outcome and scan.
#[derive(Debug, Clone)]
pub struct RunContext<'a> {
    pub source: &'a str,
    pub file: &'a str,
    pub profile: Profile,
    pub permissions: &'a Permissions,
    pub trust: &'a TrustState,
    pub scan_cache_hit: bool,
    pub forced: bool,
}

/// The user running this process: the account name of the real uid (from the password
/// database), else `$USER` / `$LOGNAME`, else `uid N`; and the uid.
pub fn current_user() -> (String, u32) {
    // SAFETY: getuid takes no arguments, touches no memory and cannot fail.
    let uid = unsafe { libc::getuid() };
    let name = account_name(uid)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .unwrap_or_else(|| format!("uid {uid}"));
    (truncate(&name, 64).into_owned(), uid)
}

pub(super) fn account_name(uid: u32) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: an all-zero passwd is a valid value of this plain C struct (null pointers).
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call and `buf.len()` is its real length;
    // getpwuid_r writes the strings into `buf` and points `result` at `pwd` on success.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().into_owned())
}

impl AuditEntry {
    /// The entry for a finished (or refused) run.
    pub fn from_run(ctx: &RunContext<'_>, outcome: &ExecOutcome, report: &Report) -> AuditEntry {
        let (user, uid) = current_user();
        // Aggregate by (category, capability): a loop that tries `process` a million times is
        // one entry with a count, and the line stays bounded.
        let mut blocked: Vec<AuditBlocked> = Vec::new();
        let mut total: u64 = outcome.blocked_dropped;
        for b in &outcome.blocked {
            total += u64::from(b.count);
            match blocked
                .iter_mut()
                .find(|x| x.category == b.category && x.capability == b.capability)
            {
                Some(x) => x.count += u64::from(b.count),
                None => blocked.push(AuditBlocked {
                    category: b.category,
                    capability: truncate(&b.capability, 100).into_owned(),
                    count: u64::from(b.count),
                }),
            }
        }
        blocked.sort_by(|a, b| b.count.cmp(&a.count).then(a.capability.cmp(&b.capability)));
        blocked.truncate(MAX_BLOCKED_LISTED);
        AuditEntry {
            time: super::super::timestamp(std::time::SystemTime::now()),
            user,
            uid,
            source: ctx.source.to_string(),
            file: truncate(ctx.file, MAX_FILE_CHARS).into_owned(),
            sha256: outcome.code_sha256.clone(),
            trust: TrustRecord::from(ctx.trust),
            executor: outcome.executor.clone(),
            profile: ctx.profile,
            limits: outcome.limits,
            permissions: ctx.permissions.clone(),
            verdict: report.verdict,
            score: report.score,
            scan_cache_hit: ctx.scan_cache_hit,
            forced: ctx.forced,
            outcome: outcome.outcome,
            reason: outcome.error.as_ref().map(|e| {
                truncate(&format!("{}: {}", e.name, e.message), MAX_REASON_CHARS).into_owned()
            }),
            duration_ms: outcome.duration_ms,
            cpu_ms: outcome.cpu_ms,
            peak_memory_bytes: outcome.peak_memory_bytes,
            usage: serde_json::to_value(outcome.usage).ok(),
            blocked_total: total,
            blocked,
        }
    }
}
