//! The host bridge: the ONLY place a sandboxed script is handed host functions.
//!
//! The native half (this module) records console output under its cap, refused capability
//! attempts as `Blocked` events and `typeof` probes as probes, both with the script location;
//! it seeds `Math.random`, keeps the run's virtual clock, and (strict profile) freezes every
//! intrinsic ([`super::freeze`]). This file holds the run's host state and [`install`]; the
//! bridges are in `natives` (the setup script's natives), `require` (host modules), `imports`
//! (the ES module loader), `capabilities` (fs and fetch), `input`, `facts` (clock, random),
//! `tame` (override taming's native accessors)
//! and `locate` (where in the script an attempt came from). The JavaScript half (`host_setup.js`, compiled once per
//! process from this crate's own source) installs `console`, `require`, the capability traps,
//! the UTC `Date`, and in the strict profile the code-generation traps, the guards and the
//! override taming.

use super::{value, BlockedAttempt, ConsoleLevel, ConsoleLine, ExecEvent};
use crate::engine::policy::{Limits, Permissions};
use crate::engine::Category;
use rquickjs::{Ctx, Function, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

// Granted capabilities (engine/broker): the fs module's and fetch's natives, pending calls.
mod capabilities;
mod facts;
mod imports;
mod input;
mod locate;
mod natives;
mod require;
mod tame;
pub(crate) use capabilities::{await_host, fetch_bytecode, provide_fetch_bytecode, Caps};
pub(crate) use facts::SEEDED_EPOCH_MS;
use facts::{VirtualClock, Xoshiro256};
pub(crate) use imports::{declare_host_imports, module_loader, module_normalize};
use locate::{is_prototype_write, is_typeof_probe, script_location};
pub(crate) use require::module_category;
use require::not_allowed_message;

/// File name of the host's own setup code in stack traces.
pub(crate) const HOST_FILENAME: &str = "sandbench:host";
/// The setup script's source (trusted: part of this crate).
pub(crate) const SETUP_SOURCE: &str = include_str!("host_setup.js");
/// At most this many distinct `Blocked` attempts are recorded per evaluation; repeats of a
/// recorded one raise its `count`, the rest are counted in `blocked_dropped`.
const MAX_BLOCKED_EVENTS: usize = 256;
/// Past the cap, the first attempt at a capability not yet listed is still recorded, up to
/// this many more entries (a new category is always recorded: there are few).
const MAX_BLOCKED_RESERVE: usize = 64;
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
const MAX_PROBES: usize = 64;

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
    let h = natives::natives(ctx, host)?;
    let has_input = input.is_some();
    let input: Value = match input {
        Some(v) => input::frozen_js(ctx, v, 0)?,
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
