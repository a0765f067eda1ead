//! The host bridge: the ONLY place a sandboxed script is handed host functions.
//!
//! The native half (this file) records console output under its cap, refused capability
//! attempts as `Blocked` events and `typeof` probes as probes, both with the script location;
//! it seeds `Math.random`, keeps the run's virtual clock, and (strict profile) freezes every
//! intrinsic ([`super::freeze`]). The JavaScript half (`host_setup.js`, compiled once per
//! process from this crate's own source) installs `console`, `require`, the capability traps,
//! the UTC `Date`, and in the strict profile the code-generation traps, the guards and the
//! override taming.

use super::modules::{self, crypto};
use super::value;
use super::{BlockedAttempt, ConsoleLevel, ConsoleLine, ExecEvent};
use crate::engine::policy::{Limits, Permissions};
use crate::engine::Category;
use rquickjs::{qjs, Array, Ctx, Function, Object, TypedArray, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

// Granted capabilities (engine/broker): the fs module's and fetch's natives, pending calls.
mod capabilities;
pub(crate) use capabilities::{await_host, Caps};

/// File name of the host's own setup code in stack traces.
pub(crate) const HOST_FILENAME: &str = "sandbench:host";
/// The setup script's source (trusted: part of this crate).
pub(crate) const SETUP_SOURCE: &str = include_str!("host_setup.js");
/// At most this many distinct `Blocked` attempts are recorded per evaluation; repeats of a
/// recorded one raise its `count`, the rest are counted in `blocked_dropped`.
pub(crate) const MAX_BLOCKED_EVENTS: usize = 256;
/// Past the cap, the first attempt at a capability not yet listed is still recorded, up to
/// this many more entries (a new category is always recorded: there are few).
pub(crate) const MAX_BLOCKED_RESERVE: usize = 64;
/// Longest text kept from one argument of a console call, in characters.
const MAX_CONSOLE_ARG_CHARS: usize = 16 * 1024;
/// Longest stack text read to locate a blocked attempt, in characters.
const MAX_STACK_CHARS: usize = 64 * 1024;
/// Longest module name read by `require`, in characters (longer names never match the
/// allowlist: the cut text ends in `…`).
const MAX_MODULE_NAME_CHARS: usize = 1024;

/// Receives events as they happen (the executor forwards them to its monitor thread).
pub(crate) type EventSink = Box<dyn FnMut(ExecEvent)>;

/// What the bridge collected during one evaluation.
pub(crate) struct HostState {
    pub limits: Limits,
    pub permissions: Permissions,
    pub filename: String,
    pub source: String,
    pub console: Vec<ConsoleLine>,
    pub console_bytes: usize,
    pub console_lines: usize,
    pub console_truncated: bool,
    pub blocked: Vec<BlockedAttempt>,
    pub blocked_dropped: u64,
    /// Index of each recorded (capability, category, line, column) in `blocked`.
    blocked_index: HashMap<(String, Category, Option<u32>, Option<u32>), usize>,
    pub imports_seen: usize,
    /// The script's real `import(` calls, found on the first refused `import()`.
    import_calls: Option<Vec<(usize, String)>>,
    /// True while an ES module run's static imports are resolved (before any of its code
    /// runs): the only time the module loader loads host modules; `import()` never does.
    pub linking: bool,
    /// Host modules loaded in this sandbox, in load order.
    pub modules_loaded: Vec<&'static str>,
    /// Native modules made by the loader for a run's static imports, whose exports are not
    /// declared yet (address of the module, its name).
    pub pending_imports: Vec<(usize, String)>,
    pub sink: Option<EventSink>,
    /// Granted capabilities: the broker port and the calls waiting for an answer.
    pub caps: Caps,
    /// `typeof` probes of absent host globals (answered `'undefined'`), deduplicated like
    /// `blocked` and capped at [`MAX_PROBES`].
    pub probes: Vec<BlockedAttempt>,
    probes_dropped: u64,
    /// `Math.random`'s generator for the current evaluation.
    rng: Xoshiro256,
    /// The current evaluation's virtual clock.
    clock: VirtualClock,
}

/// At most this many distinct `typeof` probes are kept per evaluation (repeats raise a count).
pub(crate) const MAX_PROBES: usize = 64;

/// The time `Date.now()` starts from in a run given a seed: 2024-01-01T00:00:00.000Z.
pub(crate) const SEEDED_EPOCH_MS: f64 = 1_704_067_200_000.0;

/// Virtual milliseconds per interrupt poll: QuickJS polls once per 10,000 branches or calls;
/// measured on this project's reference machine (release build), a poll is ~0.1 ms of CPU
/// for a plain loop, so the virtual clock runs at roughly the speed of a real one.
pub(crate) const MS_PER_POLL: f64 = 0.1;

/// Virtual milliseconds each read of the clock adds (so two reads never see the same
/// `performance.now()`).
pub(crate) const MS_PER_READ: f64 = 0.001;

/// The clock a run sees: `base` plus the work done since the evaluation started (interrupt
/// polls counted by the sandbox) plus one step per read. A pure function of the script's
/// execution, never of host timing: the same code with the same seed sees the same times.
struct VirtualClock {
    base_ms: f64,
    polls: Rc<std::cell::Cell<u64>>,
    polls_at_start: u64,
    reads: u64,
}

impl VirtualClock {
    fn elapsed_ms(&mut self) -> f64 {
        self.reads = self.reads.saturating_add(1);
        let polls = self.polls.get().saturating_sub(self.polls_at_start);
        polls as f64 * MS_PER_POLL + self.reads as f64 * MS_PER_READ
    }
}

/// xoshiro256** (Blackman and Vigna), seeded through splitmix64: `Math.random` for one run.
#[derive(Debug, Clone)]
pub(crate) struct Xoshiro256([u64; 4]);

impl Xoshiro256 {
    pub(crate) fn new(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Xoshiro256([next(), next(), next(), next()])
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A double in [0, 1) with 53 random bits.
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

impl HostState {
    pub(crate) fn new(limits: Limits, permissions: Permissions, filename: String) -> Self {
        HostState {
            limits,
            permissions,
            filename,
            source: String::new(),
            console: Vec::new(),
            console_bytes: 0,
            console_lines: 0,
            console_truncated: false,
            blocked: Vec::new(),
            blocked_dropped: 0,
            blocked_index: HashMap::new(),
            imports_seen: 0,
            import_calls: None,
            linking: false,
            modules_loaded: Vec::new(),
            pending_imports: Vec::new(),
            sink: None,
            caps: Caps::default(),
            probes: Vec::new(),
            probes_dropped: 0,
            rng: Xoshiro256::new(0),
            clock: VirtualClock {
                base_ms: SEEDED_EPOCH_MS,
                polls: Rc::new(std::cell::Cell::new(0)),
                polls_at_start: 0,
                reads: 0,
            },
        }
    }

    /// The counter of interrupt polls the virtual clock advances with (the sandbox's interrupt
    /// handler increments it).
    pub(crate) fn set_poll_counter(&mut self, polls: Rc<std::cell::Cell<u64>>) {
        self.clock.polls = polls;
    }

    /// Starts an evaluation's host facts: `Math.random` from `seed`, the clock from `base_ms`.
    pub(crate) fn start_run(&mut self, seed: u64, base_ms: f64) {
        self.rng = Xoshiro256::new(seed);
        self.clock.base_ms = base_ms;
        self.clock.polls_at_start = self.clock.polls.get();
        self.clock.reads = 0;
    }

    /// Clears what one evaluation collected (the cap starts again).
    pub(crate) fn reset(&mut self, source: &str) {
        self.source = source.to_string();
        self.console.clear();
        self.console_bytes = 0;
        self.console_lines = 0;
        self.console_truncated = false;
        self.blocked.clear();
        self.blocked_dropped = 0;
        self.blocked_index.clear();
        self.imports_seen = 0;
        self.import_calls = None;
        self.caps.reset();
        self.probes.clear();
        self.probes_dropped = 0;
    }

    fn emit(&mut self, ev: ExecEvent) {
        if let Some(sink) = self.sink.as_mut() {
            sink(ev);
        }
    }

    /// Adds a console line under the byte/line cap; past it, one visible marker, then nothing.
    pub(crate) fn push_console(&mut self, level: ConsoleLevel, text: String) {
        if self.console_truncated {
            return;
        }
        let bytes = text.len() + 1;
        if self.console_lines + 1 > self.limits.console_max_lines
            || self.console_bytes + bytes > self.limits.console_max_bytes
        {
            self.console_truncated = true;
            let marker = ConsoleLine {
                level: ConsoleLevel::Warn,
                text: format!(
                    "[console output truncated: limit of {} bytes or {} lines reached]",
                    self.limits.console_max_bytes, self.limits.console_max_lines
                ),
            };
            self.console.push(marker.clone());
            self.emit(ExecEvent::Console(marker));
            return;
        }
        self.console_lines += 1;
        self.console_bytes += bytes;
        let line = ConsoleLine { level, text };
        self.console.push(line.clone());
        self.emit(ExecEvent::Console(line));
    }

    pub(crate) fn push_blocked(&mut self, b: BlockedAttempt) {
        let key = (b.capability.clone(), b.category, b.line, b.column);
        if let Some(&i) = self.blocked_index.get(&key) {
            if let Some(seen) = self.blocked.get_mut(i) {
                seen.count = seen.count.saturating_add(1);
                // The count is streamed now and then (the executors merge it into the entry
                // they already have, without a new event): a run stopped from outside, with no
                // final report, still reports how often it tried. Bounded: a few events per
                // thousand repeats.
                if seen.count.is_power_of_two() || seen.count % 1024 == 0 {
                    let update = seen.clone();
                    self.emit(ExecEvent::Blocked(update));
                }
                return;
            }
        }
        if self.blocked.len() >= MAX_BLOCKED_EVENTS {
            let new_category = !self.blocked.iter().any(|s| s.category == b.category);
            let new_capability = self.blocked.len() < MAX_BLOCKED_EVENTS + MAX_BLOCKED_RESERVE
                && !self.blocked.iter().any(|s| s.capability == b.capability);
            if !new_category && !new_capability {
                self.blocked_dropped += 1;
                return;
            }
        }
        self.blocked_index.insert(key, self.blocked.len());
        self.blocked.push(b.clone());
        self.emit(ExecEvent::Blocked(b));
    }
}

impl HostState {
    /// Records a `typeof` probe of an absent host global (deduplicated, capped).
    pub(crate) fn push_probe(&mut self, b: BlockedAttempt) {
        if let Some(seen) = self
            .probes
            .iter_mut()
            .find(|p| p.capability == b.capability && p.line == b.line && p.column == b.column)
        {
            seen.count = seen.count.saturating_add(1);
            return;
        }
        if self.probes.len() >= MAX_PROBES {
            self.probes_dropped += 1;
            return;
        }
        self.probes.push(b);
    }

    /// Records an uncaught engine TypeError for a write to a frozen shared prototype (the
    /// engine throws it where no trap can run), when the script line is a prototype write.
    pub(crate) fn note_refused_write(&mut self, message: String, stack: &str) {
        let (line, column) = script_location(stack, &self.filename);
        let Some(l) = line else { return };
        if !is_prototype_write(&self.source, l) {
            return;
        }
        self.push_blocked(BlockedAttempt {
            capability: "prototype".to_string(),
            category: Category::PrototypePollution,
            message: format!("write to a frozen shared prototype refused ({message})"),
            line,
            column,
            count: 1,
        });
    }
}

pub(crate) type SharedHost = Rc<RefCell<HostState>>;

/// Finds the script's own location in a QuickJS stack string: the first frame from `filename`,
/// taking the LAST `(file:line:col)` group of that line (function names may hold parentheses).
pub(crate) fn script_location(stack: &str, filename: &str) -> (Option<u32>, Option<u32>) {
    for raw in stack.lines().take(64) {
        let line = raw.trim();
        if let Some(loc) = frame_location(line, filename) {
            return (Some(loc.0), Some(loc.1));
        }
    }
    (None, None)
}

fn frame_location(line: &str, filename: &str) -> Option<(u32, u32)> {
    // Forms: "at name (file:L:C)" or "at file:L:C".
    let body = if let Some(stripped) = line.strip_suffix(')') {
        let needle = format!("({filename}:");
        let start = stripped.rfind(&needle)?;
        &stripped[start + 1..]
    } else {
        let rest = line.strip_prefix("at ")?;
        rest
    };
    let tail = body.strip_prefix(filename)?.strip_prefix(':')?;
    let (l, c) = tail.split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

/// True when script line `line` (1-based) writes through a prototype: `X.prototype.y = …`,
/// `x.__proto__…`, `x.constructor.prototype…`. Used to tell a refused write to a frozen shared
/// prototype from a write to the script's own frozen object.
pub(crate) fn is_prototype_write(source: &str, line: u32) -> bool {
    let Some(text) = source.lines().nth(line.saturating_sub(1) as usize) else {
        return false;
    };
    let text = if text.len() > 4096 {
        &text[..text.floor_char_boundary(4096)]
    } else {
        text
    };
    text.contains("prototype") || text.contains("__proto__")
}

/// Whether the read of the global `name` at `line`:`column` (1-based, from the engine's call
/// site for the getter) is the operand of `typeof`: `typeof name`, `typeof (name)`,
/// `typeof globalThis.name`. The engine places a global read at its identifier and a member
/// read at the start of its object expression, so the chain starting there must end in
/// `name` and be preceded by the `typeof` keyword. Anything else (`name.x`, `typeof name.x`,
/// a position that does not match the text) is a read.
pub(crate) fn is_typeof_probe(source: &str, line: u32, column: u32, name: &str) -> bool {
    let Some(text) = source.lines().nth(line.saturating_sub(1) as usize) else {
        return false;
    };
    let Some(start) = (column as usize).checked_sub(1) else {
        return false;
    };
    // QuickJS counts columns in characters; a line of ASCII has them equal to bytes.
    let start = if text.is_ascii() {
        start
    } else {
        match text.char_indices().nth(start) {
            Some((b, _)) => b,
            None => return false,
        }
    };
    let (Some(before), Some(rest)) = (text.get(..start), text.get(start..)) else {
        return false;
    };
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    // The member chain at the position: ident ( ('.' | '?.') ident )*
    let mut last;
    let mut tail = rest;
    loop {
        let end = tail.find(|c: char| !is_ident(c)).unwrap_or(tail.len());
        if end == 0 {
            return false;
        }
        last = &tail[..end];
        tail = &tail[end..];
        if let Some(t) = tail.strip_prefix("?.").or_else(|| tail.strip_prefix('.')) {
            tail = t;
            continue;
        }
        break;
    }
    if last != name {
        return false;
    }
    // Nothing may apply to the value: no member access, call, index or tagged template.
    let after = tail.trim_start();
    if after.starts_with(['.', '[', '(', '`']) || after.starts_with("?.") {
        return false;
    }
    let before = before.trim_end_matches(|c: char| c.is_whitespace() || c == '(');
    match before.strip_suffix("typeof") {
        Some(pre) => !pre.ends_with(is_ident),
        None => false,
    }
}

/// Category of a module name refused by `require` / `import()`.
pub(crate) fn module_category(name: &str) -> Category {
    let base = name.strip_prefix("node:").unwrap_or(name);
    let root = base.split('/').next().unwrap_or(base);
    match root {
        "fs" | "path" => Category::Filesystem,
        "child_process" => Category::ChildProcess,
        "http" | "https" | "http2" | "net" | "dgram" | "tls" | "dns" => Category::Network,
        "vm" | "v8" | "inspector" => Category::VmEscape,
        "process" | "os" | "worker_threads" | "cluster" => Category::ProcessAccess,
        _ => Category::ModuleLoading,
    }
}

pub(crate) fn not_allowed_message(name: &str) -> String {
    format!("Module '{name}' is not allowed in sandbox")
}

/// Builds the native functions handed to the setup script.
fn natives<'js>(ctx: &Ctx<'js>, host: &SharedHost) -> rquickjs::Result<Object<'js>> {
    let h = Object::new(ctx.clone())?;

    let hs = Rc::clone(host);
    let record = Function::new(
        ctx.clone(),
        move |capability: String, category: String, message: String, stack: Value<'js>| {
            // The stack text holds script-chosen function names (lone surrogates included):
            // read it lossily so the record is never lost to a conversion error.
            let stack = value::js_string(&stack, MAX_STACK_CHARS);
            let mut st = hs.borrow_mut();
            let (line, column) = script_location(&stack, &st.filename);
            let category = Category::parse(&category).unwrap_or(Category::VmEscape);
            st.push_blocked(BlockedAttempt {
                capability,
                category,
                message,
                line,
                column,
                count: 1,
            });
        },
    )?;
    h.set("record", record)?;

    let hs = Rc::clone(host);
    let log = Function::new(ctx.clone(), move |level: String, args: Array<'js>| {
        let level = match level.as_str() {
            "info" => ConsoleLevel::Info,
            "warn" => ConsoleLevel::Warn,
            "error" => ConsoleLevel::Error,
            "debug" => ConsoleLevel::Debug,
            _ => ConsoleLevel::Log,
        };
        if hs.borrow().console_truncated {
            return;
        }
        let mut parts = Vec::new();
        let n = args.len().min(64);
        for i in 0..n {
            let v: Value = args
                .get(i)
                .unwrap_or_else(|_| Value::new_undefined(args.ctx().clone()));
            parts.push(value::console_text(&v, MAX_CONSOLE_ARG_CHARS));
        }
        if args.len() > n {
            parts.push(format!("… {} more arguments", args.len() - n));
        }
        hs.borrow_mut().push_console(level, parts.join(" "));
    })?;
    h.set("log", log)?;

    // require(name): the decision is the host's (`Permissions::allows_module`). Answers a
    // loaded host module (see `load_module`), a refusal `[capability, category, message]`
    // for the setup script to record and throw, or the message of a module that is allowed
    // but that this host does not provide.
    let hs = Rc::clone(host);
    let require = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>,
              name: Value<'js>,
              wh: rquickjs::function::Opt<Function<'js>>|
              -> rquickjs::Result<Value<'js>> {
            // Script-chosen text (lone surrogates included) is read lossily, never refused.
            let name = value::js_string(&name, MAX_MODULE_NAME_CHARS);
            let shown = crate::engine::text::truncate(&name, 200).into_owned();
            let allowed = hs.borrow().permissions.allows_module(&name);
            if allowed {
                return match modules::find(&name) {
                    Some(m) => load_module(&ctx, m, &hs, wh.0),
                    None => Ok(rquickjs::String::from_str(
                        ctx.clone(),
                        &format!("Module '{shown}' is allowed but not provided by this host"),
                    )?
                    .into_value()),
                };
            }
            let refusal = Array::new(ctx.clone())?;
            refusal.set(0, shown.as_str())?;
            refusal.set(1, module_category(&name).as_str())?;
            refusal.set(2, not_allowed_message(&shown))?;
            Ok(refusal.into_value())
        },
    )?;
    h.set("require", require)?;

    // A run granted the network gets fetch and its classes (built by the setup with its
    // `where`, so refusals keep their script location).
    if host.borrow().permissions.grants_network() {
        let hs = Rc::clone(host);
        let globals = Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, wh: rquickjs::function::Opt<Function<'js>>| {
                capabilities::fetch_globals(&ctx, &hs, wh.0)
            },
        )?;
        h.set("fetchGlobals", globals)?;
    }
    // probe(name, category, at): true when the read at `at` is a `typeof` probe (recorded as
    // one); false for any other read, which the caller refuses and records.
    let hs = Rc::clone(host);
    let probe = Function::new(
        ctx.clone(),
        move |name: String, category: String, at: Value<'js>| -> bool {
            let at = value::js_string(&at, MAX_STACK_CHARS);
            let mut st = hs.borrow_mut();
            let (line, column) = script_location(&at, &st.filename);
            let (Some(l), Some(c)) = (line, column) else {
                return false;
            };
            if !is_typeof_probe(&st.source, l, c, &name) {
                return false;
            }
            st.push_probe(BlockedAttempt {
                capability: name.clone(),
                category: Category::parse(&category).unwrap_or(Category::VmEscape),
                message: format!("typeof {name} answered 'undefined'"),
                line,
                column,
                count: 1,
            });
            true
        },
    )?;
    h.set("probe", probe)?;

    let is_shared = Function::new(ctx.clone(), |ctx: Ctx<'js>, v: Value<'js>| -> bool {
        super::freeze::is_shared(&ctx, &v)
    })?;
    h.set("isShared", is_shared)?;

    let harden = Function::new(
        ctx.clone(),
        |ctx: Ctx<'js>,
         roots: Array<'js>,
         generators: Array<'js>,
         tamed: Array<'js>,
         mutable: Array<'js>|
         -> rquickjs::Result<()> {
            let roots: Vec<Value> = roots.iter().collect::<rquickjs::Result<_>>()?;
            let generators: Vec<Value> = generators.iter().collect::<rquickjs::Result<_>>()?;
            // [getter, value, getter, value, …]
            let flat: Vec<Value> = tamed.iter().collect::<rquickjs::Result<_>>()?;
            let pairs = flat
                .chunks_exact(2)
                .map(|p| (p[0].clone(), p[1].clone()))
                .collect();
            let mutable: Vec<Value> = mutable.iter().collect::<rquickjs::Result<_>>()?;
            super::freeze::harden(&ctx, &roots, &generators, pairs, &mutable)
                .map(|_| ())
                .map_err(|e| rquickjs::Exception::throw_internal(&ctx, &e.to_string()))
        },
    )?;
    h.set("harden", harden)?;

    let hs = Rc::clone(host);
    let random = Function::new(ctx.clone(), move || -> f64 {
        hs.borrow_mut().rng.next_f64()
    })?
    .with_name("random")?;
    h.set("random", random)?;

    // clock(0): virtual now in ms; clock(1): virtual ms since the run started; clock(2): the
    // run's start.
    let hs = Rc::clone(host);
    let clock = Function::new(ctx.clone(), move |which: i32| -> f64 {
        let mut st = hs.borrow_mut();
        let base = st.clock.base_ms;
        match which {
            0 => base + st.clock.elapsed_ms(),
            1 => st.clock.elapsed_ms(),
            _ => base,
        }
    })?;
    h.set("clock", clock)?;
    Ok(h)
}

// ---------------------------------------------------------------------------------------
// Host modules (see `exec::modules`): loading one, and the native functions each is handed.
// Natives take and return plain values only (strings, numbers, booleans, Uint8Arrays); each
// checks its arguments itself, so a script that reached a module's `host` object directly
// would gain nothing the module does not already offer.
// ---------------------------------------------------------------------------------------

/// Longest algorithm name read from a script.
const MAX_ALGORITHM_CHARS: usize = 32;

/// Evaluates host module `m`'s bytecode (compiled once per process) in `ctx` and answers
/// `{ factory, host }` (null prototype) for the setup script to call and cache.
fn load_module<'js>(
    ctx: &Ctx<'js>,
    m: &'static modules::HostModule,
    host: &SharedHost,
    wh: Option<Function<'js>>,
) -> rquickjs::Result<Value<'js>> {
    let bytes = modules::bytecode(m)
        .map_err(|e| rquickjs::Exception::throw_internal(ctx, &e.to_string()))?;
    let factory = super::quickjs::run_bytecode(ctx, &bytes)?;
    let natives = if m.name == "fs" {
        // The broker's natives (`host/capabilities.rs`); `where` locates a refusal.
        capabilities::fs_host(ctx, host, wh)?
    } else {
        module_natives(ctx, m.name)?
    };
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: a live object of this context, created just above.
    unsafe { qjs::JS_FreezeObject(raw, natives.as_raw()) };
    let out = Object::new(ctx.clone())?;
    // SAFETY: a live object of this context; a null prototype keeps `factory`/`host` reads
    // from reaching Object.prototype.
    unsafe { qjs::JS_SetPrototype(raw, out.as_raw(), qjs::JS_NULL) };
    out.set("factory", factory)?;
    out.set("host", natives)?;
    let mut st = host.borrow_mut();
    st.modules_loaded.push(m.name);
    st.caps.modules_loaded += 1;
    Ok(out.into_value())
}

/// The bytes of a `Uint8Array` argument (a `Buffer` is one), or a TypeError naming `what`.
fn bytes_arg<'js>(
    ctx: &Ctx<'js>,
    v: &Value<'js>,
    what: &str,
) -> rquickjs::Result<TypedArray<'js, u8>> {
    TypedArray::<u8>::from_value(v.clone())
        .map_err(|_| rquickjs::Exception::throw_type(ctx, &format!("{what} must be a Uint8Array")))
}

/// Runs `f` over the bytes of `a` (empty when detached). No script runs meanwhile.
fn read_bytes<R>(a: &TypedArray<'_, u8>, f: impl FnOnce(&[u8]) -> R) -> R {
    // SAFETY: the slice is used only inside `f`, which is host code that runs no JS, so the
    // script cannot write, detach or resize the buffer while it is read.
    f(unsafe { a.as_bytes() }.unwrap_or_default())
}

fn algorithm_arg(ctx: &Ctx<'_>, v: &Value<'_>) -> rquickjs::Result<crypto::Algorithm> {
    let name = value::js_string(v, MAX_ALGORITHM_CHARS);
    crypto::Algorithm::parse(&name)
        .ok_or_else(|| rquickjs::Exception::throw_type(ctx, "Digest method not supported"))
}

/// A new `Uint8Array` holding `bytes`.
fn new_bytes<'js>(ctx: &Ctx<'js>, bytes: Vec<u8>) -> rquickjs::Result<Value<'js>> {
    Ok(TypedArray::<u8>::new(ctx.clone(), bytes)?.into_value())
}

/// The native functions module `name` is handed as `host` (none for the modules written
/// wholly in JS).
fn module_natives<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Object<'js>> {
    let h = Object::new(ctx.clone())?;
    if name == "util" {
        // promiseState(p) / promiseResult(p): what `util.inspect` shows of a promise (a
        // script cannot read either without running code on it).
        let state = Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, p: Value<'js>| -> rquickjs::Result<&'static str> {
                if !p.is_promise() {
                    return Err(rquickjs::Exception::throw_type(&ctx, "not a promise"));
                }
                // SAFETY: p is a live promise of this context.
                let st = unsafe { qjs::JS_PromiseState(ctx.as_raw().as_ptr(), p.as_raw()) };
                Ok(match st {
                    qjs::JSPromiseStateEnum_JS_PROMISE_FULFILLED => "fulfilled",
                    qjs::JSPromiseStateEnum_JS_PROMISE_REJECTED => "rejected",
                    _ => "pending",
                })
            },
        )?;
        h.set("promiseState", state)?;
        let result = Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, p: Value<'js>| -> rquickjs::Result<Value<'js>> {
                if !p.is_promise() {
                    return Err(rquickjs::Exception::throw_type(&ctx, "not a promise"));
                }
                // SAFETY: p is a live promise; the result is a new reference we own.
                Ok(unsafe {
                    Value::from_raw(
                        ctx.clone(),
                        qjs::JS_PromiseResult(ctx.as_raw().as_ptr(), p.as_raw()),
                    )
                })
            },
        )?;
        h.set("promiseResult", result)?;
        return Ok(h);
    }
    if name != "crypto" {
        return Ok(h);
    }
    // hash(alg, data): the digest of a Uint8Array.
    let hash = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, alg: Value<'js>, data: Value<'js>| -> rquickjs::Result<Value<'js>> {
            let alg = algorithm_arg(&ctx, &alg)?;
            let data = bytes_arg(&ctx, &data, "data")?;
            let out = read_bytes(&data, |d| crypto::hash(alg, d));
            new_bytes(&ctx, out)
        },
    )?;
    h.set("hash", hash)?;
    // hmac(alg, key, data)
    let hmac = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>,
              alg: Value<'js>,
              key: Value<'js>,
              data: Value<'js>|
              -> rquickjs::Result<Value<'js>> {
            let alg = algorithm_arg(&ctx, &alg)?;
            let key = bytes_arg(&ctx, &key, "key")?;
            let data = bytes_arg(&ctx, &data, "data")?;
            let out = read_bytes(&key, |k| read_bytes(&data, |d| crypto::hmac(alg, k, d)));
            new_bytes(&ctx, out)
        },
    )?;
    h.set("hmac", hmac)?;
    // randomFill(u8): fills it in place, at most crypto::MAX_RANDOM_BYTES at a time.
    let fill = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, target: Value<'js>| -> rquickjs::Result<()> {
            let target = bytes_arg(&ctx, &target, "buffer")?;
            let Some(ptr) = target.as_raw() else {
                return Err(rquickjs::Exception::throw_type(&ctx, "buffer is detached"));
            };
            if ptr.len() > crypto::MAX_RANDOM_BYTES {
                return Err(rquickjs::Exception::throw_range(
                    &ctx,
                    "at most 65536 random bytes per call",
                ));
            }
            // SAFETY: the pointer covers the typed array's live bytes, which `target` keeps
            // alive; no script runs while they are written.
            let buf = unsafe { &mut *ptr.as_ptr() };
            if crypto::fill_random(buf) {
                Ok(())
            } else {
                Err(rquickjs::Exception::throw_internal(
                    &ctx,
                    "the random source failed",
                ))
            }
        },
    )?;
    h.set("randomFill", fill)?;
    // timingSafeEqual(a, b): lengths are checked by the module (Node throws on a mismatch).
    let eq = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, a: Value<'js>, b: Value<'js>| -> rquickjs::Result<bool> {
            let a = bytes_arg(&ctx, &a, "a")?;
            let b = bytes_arg(&ctx, &b, "b")?;
            Ok(read_bytes(&a, |a| {
                read_bytes(&b, |b| crypto::equal_constant_time(a, b))
            }))
        },
    )?;
    h.set("timingSafeEqual", eq)?;
    Ok(h)
}

// ---------------------------------------------------------------------------------------

/// Runs the compiled setup script in `ctx`: installs the bridge, the traps, the host facts,
/// `input` (when given) and, when `strict`, the guards, the taming and the full freeze.
/// `require` is a function only when some module is granted (`typeof require` is
/// `'undefined'` otherwise).
pub(crate) fn install<'js>(
    ctx: &Ctx<'js>,
    host: &SharedHost,
    setup_bytecode: &[u8],
    strict: bool,
    input: Option<&serde_json::Value>,
) -> rquickjs::Result<()> {
    // Before any script (the setup's or the user's) can replace them.
    value::capture_intrinsics(ctx)?;
    let setup = super::quickjs::run_bytecode(ctx, setup_bytecode)?;
    let setup = Function::from_value(setup)?;
    let h = natives(ctx, host)?;
    let has_input = input.is_some();
    let input: Value = match input {
        Some(v) => frozen_js(ctx, v, 0)?,
        None => Value::new_undefined(ctx.clone()),
    };
    // `require` exists when the run may load any module (the default modules included).
    let require_granted = {
        let st = host.borrow();
        let p = &st.permissions;
        p.allows_module("fs") || p.modules.iter().any(|m| p.allows_module(m))
    };
    setup.call::<_, ()>((h, strict, input, has_input, require_granted))?;
    Ok(())
}

/// Deepest `input` built (a valid request is never deeper: see [`ExecRequest::validate`]);
/// checked again here because the build recurses.
///
/// [`ExecRequest::validate`]: super::ExecRequest::validate
const MAX_INPUT_DEPTH: usize = super::MAX_INPUT_DEPTH;

/// Builds `input` as a deeply frozen JS value, natively.
fn frozen_js<'js>(
    ctx: &Ctx<'js>,
    v: &serde_json::Value,
    depth: usize,
) -> rquickjs::Result<Value<'js>> {
    use serde_json::Value as J;
    let raw = ctx.as_raw().as_ptr();
    if depth > MAX_INPUT_DEPTH {
        return Err(rquickjs::Error::new_from_js_message(
            "input",
            "JSON",
            format!("input is nested deeper than {MAX_INPUT_DEPTH} levels"),
        ));
    }
    let out: Value = match v {
        J::Null => Value::new_null(ctx.clone()),
        J::Bool(b) => Value::new_bool(ctx.clone(), *b),
        J::Number(n) => match n.as_i64().and_then(|i| i32::try_from(i).ok()) {
            Some(i) => Value::new_int(ctx.clone(), i),
            None => Value::new_number(ctx.clone(), n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => rquickjs::String::from_str(ctx.clone(), s)?.into_value(),
        // Properties are *defined* (as JSON.parse does), never set: a key `__proto__` must
        // not reach the `__proto__` setter.
        J::Array(items) => {
            let a = Array::new(ctx.clone())?.into_value();
            for (i, item) in items.iter().enumerate() {
                let x = frozen_js(ctx, item, depth + 1)?;
                let i = u32::try_from(i).map_err(|_| {
                    rquickjs::Error::new_from_js_message("input", "JSON", "array too long")
                })?;
                // SAFETY: a is a live array; the value's reference moves into the array.
                let rc = unsafe {
                    qjs::JS_DefinePropertyValueUint32(
                        raw,
                        a.as_raw(),
                        i,
                        qjs::JS_DupValue(raw, x.as_raw()),
                        qjs::JS_PROP_C_W_E as i32,
                    )
                };
                if rc < 0 {
                    return Err(rquickjs::Error::Exception);
                }
            }
            a
        }
        J::Object(map) => {
            let o = Object::new(ctx.clone())?.into_value();
            for (k, item) in map {
                let x = frozen_js(ctx, item, depth + 1)?;
                // SAFETY: k's bytes are valid for len; the atom is freed below and the value's
                // reference moves into the object.
                let rc = unsafe {
                    let atom = qjs::JS_NewAtomLen(raw, k.as_ptr().cast(), k.len() as _);
                    let rc = qjs::JS_DefinePropertyValue(
                        raw,
                        o.as_raw(),
                        atom,
                        qjs::JS_DupValue(raw, x.as_raw()),
                        qjs::JS_PROP_C_W_E as i32,
                    );
                    qjs::JS_FreeAtom(raw, atom);
                    rc
                };
                if rc < 0 {
                    return Err(rquickjs::Error::Exception);
                }
            }
            o
        }
    };
    if out.is_object() {
        // SAFETY: a live object of this context, created just above.
        unsafe { qjs::JS_FreezeObject(raw, out.as_raw()) };
    }
    Ok(out)
}

/// The host state behind the module loader's opaque pointer, when it can be borrowed.
///
/// # Safety
/// `opaque` is null or the pointer produced by `Rc::into_raw` of the sandbox's `SharedHost`,
/// alive for as long as the runtime is (see `Sandbox`'s `Drop`).
unsafe fn host_of<'a>(opaque: *mut std::ffi::c_void) -> Option<&'a RefCell<HostState>> {
    if opaque.is_null() {
        return None;
    }
    // SAFETY: see the function contract.
    Some(unsafe { &*(opaque as *const RefCell<HostState>) })
}

/// A module name QuickJS hands over, lossily, cut to 200 characters.
///
/// # Safety
/// `name` is null or a NUL-terminated string.
unsafe fn name_of(name: *const std::ffi::c_char) -> String {
    if name.is_null() {
        return String::from("<unknown>");
    }
    // SAFETY: QuickJS passes a NUL-terminated string.
    let c = unsafe { std::ffi::CStr::from_ptr(name) };
    crate::engine::text::truncate(&c.to_string_lossy(), 200).into_owned()
}

/// Throws `message` as a ReferenceError in `ctx`.
///
/// # Safety
/// `ctx` is a live context.
unsafe fn throw_reference(ctx: *mut qjs::JSContext, message: &str) {
    let msg = std::ffi::CString::new(message.replace('\0', "")).unwrap_or_default();
    // SAFETY: ctx is live; "%s" consumes one C string.
    unsafe {
        qjs::JS_ThrowReferenceError(ctx, c"%s".as_ptr(), msg.as_ptr());
    }
}

/// Refuses a dynamic `import()` of `name`: recorded with the call's location, then thrown.
fn refuse_dynamic_import(host: Option<&RefCell<HostState>>, name: &str) -> String {
    let message = not_allowed_message(name);
    if let Some(Ok(mut st)) = host.map(|h| h.try_borrow_mut()) {
        let st = &mut *st;
        // Real `import(` tokens, found once per evaluation (comments and strings skipped).
        let calls = st
            .import_calls
            .get_or_insert_with(|| import_calls(&st.source));
        let (line, column) = locate_import(&st.source, calls, name, st.imports_seen);
        st.imports_seen += 1;
        st.push_blocked(BlockedAttempt {
            capability: "import()".to_string(),
            category: module_category(name),
            message: message.clone(),
            line,
            column,
            count: 1,
        });
    }
    message
}

/// Module name normaliser. A dynamic `import()` (anything asked while no ES module run's
/// static imports are being resolved) is refused here, before QuickJS looks for an already
/// loaded module of that name, so `import()` stays refused even for a host module the run
/// imported statically. A static import keeps its name (`node:` dropped): relative and
/// absolute specifiers are never resolved against the script's name (there is no file).
///
/// # Safety
/// QuickJS calls it as the runtime's normaliser: `ctx` is live, the names are null or
/// NUL-terminated, `opaque` is as for [`module_loader`].
pub(crate) unsafe extern "C" fn module_normalize(
    ctx: *mut qjs::JSContext,
    _base: *const std::ffi::c_char,
    module_name: *const std::ffi::c_char,
    opaque: *mut std::ffi::c_void,
) -> *mut std::ffi::c_char {
    // SAFETY: per the contract.
    let host = unsafe { host_of(opaque) };
    // SAFETY: per the contract.
    let name = unsafe { name_of(module_name) };
    let linking = host
        .and_then(|h| h.try_borrow().ok())
        .is_some_and(|st| st.linking);
    if !linking {
        let message = refuse_dynamic_import(host, &name);
        // SAFETY: ctx is live.
        unsafe { throw_reference(ctx, &message) };
        return std::ptr::null_mut();
    }
    let base = modules::base_name(&name);
    let c = std::ffi::CString::new(base.replace('\0', "")).unwrap_or_default();
    // SAFETY: ctx is live; js_strdup copies the NUL-terminated string into QuickJS memory,
    // which QuickJS frees.
    unsafe { qjs::js_strdup(ctx, c.as_ptr()) }
}

/// Module loader: only an ES module run's static imports get here (see
/// [`module_normalize`]). A host module the run may load becomes a native module whose
/// exports are the `require`d module's (`default` = the exports object, plus each own data
/// property by name); it is evaluated now, at link time, before any of the run's code. Any
/// other name is refused with the exact message and a Blocked event at its `import` line.
///
/// # Safety
/// QuickJS calls it, as the runtime's module loader: `ctx` is a live context of that runtime,
/// `module_name` null or a NUL-terminated string, and `opaque` null or the pointer produced by
/// `Rc::into_raw` of the sandbox's `SharedHost`, alive for as long as the runtime is.
pub(crate) unsafe extern "C" fn module_loader(
    ctx: *mut qjs::JSContext,
    module_name: *const std::ffi::c_char,
    opaque: *mut std::ffi::c_void,
) -> *mut qjs::JSModuleDef {
    // SAFETY: per the contract.
    let host = unsafe { host_of(opaque) };
    // SAFETY: per the contract.
    let name = unsafe { name_of(module_name) };
    let state = host.and_then(|h| h.try_borrow().ok()).map(|st| {
        (
            st.linking,
            st.permissions.allows_module(&name),
            modules::find(&name).is_some(),
        )
    });
    let Some((linking, allowed, provided)) = state else {
        // SAFETY: ctx is live.
        unsafe { throw_reference(ctx, &not_allowed_message(&name)) };
        return std::ptr::null_mut();
    };
    if !linking {
        let message = refuse_dynamic_import(host, &name);
        // SAFETY: ctx is live.
        unsafe { throw_reference(ctx, &message) };
        return std::ptr::null_mut();
    }
    if !allowed {
        let message = not_allowed_message(&name);
        if let Some(Ok(mut st)) = host.map(|h| h.try_borrow_mut()) {
            let (line, column) = modules::import_location(&st.source, &name);
            st.push_blocked(BlockedAttempt {
                capability: name.clone(),
                category: module_category(&name),
                message: message.clone(),
                line,
                column,
                count: 1,
            });
        }
        // SAFETY: ctx is live.
        unsafe { throw_reference(ctx, &message) };
        return std::ptr::null_mut();
    }
    if !provided {
        let message = format!("Module '{name}' is allowed but not provided by this host");
        // SAFETY: ctx is live.
        unsafe { throw_reference(ctx, &message) };
        return std::ptr::null_mut();
    }
    let cname = std::ffi::CString::new(name.as_str()).unwrap_or_default();
    // SAFETY: ctx is live; the name is copied by QuickJS.
    let m = unsafe { qjs::JS_NewCModule(ctx, cname.as_ptr(), Some(host_module_init)) };
    if m.is_null() {
        return std::ptr::null_mut();
    }
    // Its exports are declared once reading is over (see `declare_host_imports`): QuickJS
    // calls this loader while it is still reading the run's bytecode, where no script may run.
    if let Some(Ok(mut st)) = host.map(|h| h.try_borrow_mut()) {
        st.pending_imports.push((m as usize, name));
    }
    m
}

/// Declares the exports of the host modules an ES module run imports (created by
/// [`module_loader`] while its bytecode was read): evaluates each (`require`, cached) and
/// adds `default` and each own data property's name. Runs before linking, after reading.
pub(crate) fn declare_host_imports(ctx: &Ctx<'_>, host: &SharedHost) -> rquickjs::Result<()> {
    let pending = std::mem::take(&mut host.borrow_mut().pending_imports);
    let raw = ctx.as_raw().as_ptr();
    for (m, name) in pending {
        let m = m as *mut qjs::JSModuleDef;
        let names = export_names(ctx, &name)?;
        for export in std::iter::once("default".to_string()).chain(names) {
            let Ok(e) = std::ffi::CString::new(export) else {
                continue;
            };
            // SAFETY: m is a module of this context created by the loader during this
            // evaluation's read, not yet linked; the name is copied.
            if unsafe { qjs::JS_AddModuleExport(raw, m, e.as_ptr()) } < 0 {
                return Err(rquickjs::Error::Exception);
            }
        }
    }
    Ok(())
}

/// The host module's exports as `require` gives them, and its own data properties' names
/// (accessors such as `crypto.subtle` are left to `default`: reading them would run code).
fn export_names<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Vec<String>> {
    let exports = required_exports(ctx, name)?;
    let Some(obj) = exports.as_object() else {
        return Ok(Vec::new());
    };
    let mut names = Vec::new();
    for key in obj.keys::<String>() {
        let key = key?;
        if key == "default" {
            continue;
        }
        if is_data_property(ctx, obj, &key) {
            names.push(key);
        }
    }
    Ok(names)
}

/// `require(name)` through the sandbox's own (frozen, non-configurable) `require`: the same
/// cached exports a `require` call gets.
fn required_exports<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Value<'js>> {
    let require: Function = ctx.globals().get("require")?;
    require.call((name,))
}

fn is_data_property<'js>(ctx: &Ctx<'js>, obj: &Object<'js>, key: &str) -> bool {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: key's bytes are valid for len; the atom is freed right after use.
    let atom = unsafe { qjs::JS_NewAtomLen(raw, key.as_ptr().cast(), key.len() as _) };
    if atom == qjs::JS_ATOM_NULL {
        let _ = ctx.catch();
        return false;
    }
    let mut desc = std::mem::MaybeUninit::<qjs::JSPropertyDescriptor>::uninit();
    // SAFETY: obj and atom are live; a found descriptor's values are freed below.
    let found = unsafe { qjs::JS_GetOwnProperty(raw, desc.as_mut_ptr(), obj.as_raw(), atom) };
    // SAFETY: the atom was created above and is no longer used.
    unsafe { qjs::JS_FreeAtom(raw, atom) };
    if found <= 0 {
        if found < 0 {
            let _ = ctx.catch();
        }
        return false;
    }
    // SAFETY: JS_GetOwnProperty filled the descriptor (found > 0).
    let desc = unsafe { desc.assume_init() };
    let accessor = (desc.flags & qjs::JS_PROP_GETSET as i32) != 0;
    // SAFETY: the descriptor's three values are owned by us.
    unsafe {
        qjs::JS_FreeValue(raw, desc.value);
        qjs::JS_FreeValue(raw, desc.getter);
        qjs::JS_FreeValue(raw, desc.setter);
    }
    !accessor
}

/// Evaluation of a host module imported by an ES module run: sets its exports from the
/// cached `require` result.
///
/// # Safety
/// QuickJS calls it with a live context and the module created by [`module_loader`].
unsafe extern "C" fn host_module_init(
    ctx: *mut qjs::JSContext,
    m: *mut qjs::JSModuleDef,
) -> std::ffi::c_int {
    let Some(nn) = std::ptr::NonNull::new(ctx) else {
        return -1;
    };
    // SAFETY: ctx is live and on this thread.
    let c = unsafe { Ctx::from_raw(nn) };
    // SAFETY: m is live; the atom is freed below.
    let name = unsafe {
        let atom = qjs::JS_GetModuleName(ctx, m);
        let s = qjs::JS_AtomToCStringLen(ctx, std::ptr::null_mut(), atom);
        qjs::JS_FreeAtom(ctx, atom);
        if s.is_null() {
            return -1;
        }
        let owned = std::ffi::CStr::from_ptr(s).to_string_lossy().into_owned();
        qjs::JS_FreeCString(ctx, s);
        owned
    };
    let Ok(names) = export_names(&c, &name) else {
        return -1;
    };
    let Ok(exports) = required_exports(&c, &name) else {
        return -1;
    };
    let set = |export: &str, v: &Value<'_>| -> bool {
        let Ok(e) = std::ffi::CString::new(export) else {
            return true;
        };
        // SAFETY: m is live; JS_SetModuleExport takes the new reference.
        unsafe {
            qjs::JS_SetModuleExport(ctx, m, e.as_ptr(), qjs::JS_DupValue(ctx, v.as_raw())) >= 0
        }
    };
    if !set("default", &exports) {
        return -1;
    }
    if let Some(obj) = exports.as_object() {
        for n in names {
            let Ok(v) = obj.get::<_, Value>(n.as_str()) else {
                return -1;
            };
            set(&n, &v);
        }
    }
    0
}

/// `import()` runs its loader from a job, after the calling frame is gone, so its location is
/// found in the source: the call whose string argument names the module, else the n-th call.
#[cfg(test)]
fn import_location(source: &str, name: &str, nth: usize) -> (Option<u32>, Option<u32>) {
    locate_import(source, &import_calls(source), name, nth)
}

/// The real `import(` calls of `source` (keyword tokens; never text in comments, strings or
/// templates, never `x.import(`): the byte offset of each and the text of its first argument
/// when that is a string or template literal.
fn import_calls(source: &str) -> Vec<(usize, String)> {
    use crate::engine::lexer::{tokenize, TokenKind};
    let toks = tokenize(source);
    let sig: Vec<_> = toks
        .iter()
        .filter(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::Comment))
        .collect();
    let mut calls = Vec::new();
    for (i, t) in sig.iter().enumerate() {
        if t.kind != TokenKind::Keyword || t.text(source) != "import" {
            continue;
        }
        if i > 0 && matches!(sig[i - 1].text(source), "." | "?.") {
            continue;
        }
        if sig.get(i + 1).map(|n| n.text(source)) != Some("(") {
            continue;
        }
        let arg = sig
            .get(i + 2)
            .filter(|a| matches!(a.kind, TokenKind::String | TokenKind::Template))
            .map(|a| crate::engine::text::truncate(a.text(source), 1024).into_owned())
            .unwrap_or_default();
        calls.push((t.start, arg));
        if calls.len() > 10_000 {
            break;
        }
    }
    calls
}

/// Picks the call that names `name` literally, else the `nth` call, else the first.
fn locate_import(
    source: &str,
    calls: &[(usize, String)],
    name: &str,
    nth: usize,
) -> (Option<u32>, Option<u32>) {
    let quoted = [
        format!("'{name}'"),
        format!("\"{name}\""),
        format!("`{name}`"),
    ];
    let pick = calls
        .iter()
        .find(|c| quoted.contains(&c.1))
        .or_else(|| calls.get(nth))
        .or_else(|| calls.first());
    match pick {
        Some(&(at, _)) if source.is_char_boundary(at) => {
            let line = source[..at].matches('\n').count() + 1;
            let col = at - source[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
            (u32::try_from(line).ok(), u32::try_from(col).ok())
        }
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_takes_the_first_script_frame_and_its_last_group() {
        let stack = "    at record (native)\n    at refuse (sandbench:host:40:5)\n    at f (x) (sandbox.js:1:1) (sandbox.js:3:7)\n    at <eval> (sandbox.js:9:1)\n";
        assert_eq!(script_location(stack, "sandbox.js"), (Some(3), Some(7)));
        assert_eq!(
            script_location("    at sandbox.js:2:4\n", "sandbox.js"),
            (Some(2), Some(4))
        );
        assert_eq!(script_location("garbage", "sandbox.js"), (None, None));
    }

    #[test]
    fn modules_get_their_category() {
        assert_eq!(module_category("fs"), Category::Filesystem);
        assert_eq!(
            module_category("node:child_process"),
            Category::ChildProcess
        );
        assert_eq!(module_category("fs/promises"), Category::Filesystem);
        assert_eq!(module_category("https"), Category::Network);
        assert_eq!(module_category("lodash"), Category::ModuleLoading);
    }

    #[test]
    fn replacing_weakset_has_does_not_switch_the_guards_off() {
        // WeakSet.prototype is frozen now (the write throws); the guards use no WeakSet at all,
        // and whatever a script replaces, they only call what was captured at setup.
        let code = "try { WeakSet.prototype.has = function () { return false; }; } catch (e) {}\n\
                    let refused = false; const OP = Object.prototype, D = Object.defineProperty; globalThis.Reflect = { apply: () => true, defineProperty: () => true }; globalThis.Object = globalThis.WeakSet = null;\n\
                    try { D(OP, 'isAdmin', { value: true }); }\n\
                    catch (e) { refused = true; }\n\
                    refused && ({}).isAdmin === undefined";
        let mut req = super::super::ExecRequest::new(code);
        req.filename = "attack.js".into();
        let mut sb = super::super::quickjs::Sandbox::new(&req).expect("sandbox");
        let r = sb.eval(code);
        assert_eq!(
            r.value,
            Some(serde_json::Value::Bool(true)),
            "{:?}",
            r.error
        );
        let b = r
            .blocked
            .iter()
            .find(|b| b.capability == "defineProperty")
            .unwrap_or_else(|| panic!("no Blocked event: {:?}", r.blocked));
        assert_eq!(b.category, Category::PrototypePollution);
        assert_eq!(b.line, Some(3));
    }

    #[test]
    fn import_location_prefers_the_named_call() {
        let src = "let a = 1;\nconst x = import('os');\n  import(\"fs\").then(f => f);\n";
        assert_eq!(import_location(src, "fs", 0), (Some(3), Some(3)));
        assert_eq!(import_location(src, "zzz", 0), (Some(2), Some(11)));
        assert_eq!(import_location("no calls", "fs", 0), (None, None));
        let src = "// import('fs')\nconst s = \"import('fs')\"; x.import('fs');\n/* import('fs') */ import('fs');\n";
        assert_eq!(import_location(src, "fs", 0), (Some(3), Some(20)));
    }
}
