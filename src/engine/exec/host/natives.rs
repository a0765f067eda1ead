//! The native functions handed to the setup script (`host_setup.js`): console, refusal
//! records, `require`, `typeof` probes, the freeze, `Math.random` and the virtual clock.

use super::require::{load_module, module_category, not_allowed_message};
use super::{capabilities, is_typeof_probe, script_location, SharedHost};
use super::{MAX_CONSOLE_ARG_CHARS, MAX_MODULE_NAME_CHARS, MAX_STACK_CHARS};
use crate::engine::exec::{modules, value, BlockedAttempt, ConsoleLevel};
use crate::engine::Category;
use rquickjs::{Array, Ctx, Function, Object, Value};
use std::rc::Rc;

/// Builds the native functions handed to the setup script.
pub(super) fn natives<'js>(ctx: &Ctx<'js>, host: &SharedHost) -> rquickjs::Result<Object<'js>> {
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
        crate::engine::exec::freeze::is_shared(&ctx, &v)
    })?;
    h.set("isShared", is_shared)?;

    let harden = Function::new(
        ctx.clone(),
        |ctx: Ctx<'js>,
         roots: Array<'js>,
         generators: Array<'js>,
         tame_list: Array<'js>,
         set_impl: Value<'js>,
         mutable: Array<'js>|
         -> rquickjs::Result<()> {
            use super::tame::{tame, TameSpec};
            let roots: Vec<Value> = roots.iter().collect::<rquickjs::Result<_>>()?;
            let generators: Vec<Value> = generators.iter().collect::<rquickjs::Result<_>>()?;
            // [home, label, keys, home, label, keys, …]
            let flat: Vec<Value> = tame_list.iter().collect::<rquickjs::Result<_>>()?;
            let mut specs = Vec::with_capacity(flat.len() / 3);
            for t in flat.chunks_exact(3) {
                let label: String = rquickjs::FromJs::from_js(&ctx, t[1].clone())?;
                let keys: Array = rquickjs::FromJs::from_js(&ctx, t[2].clone())?;
                specs.push(TameSpec {
                    home: t[0].clone(),
                    label,
                    keys: keys.iter().collect::<rquickjs::Result<_>>()?,
                });
            }
            let mutable: Vec<Value> = mutable.iter().collect::<rquickjs::Result<_>>()?;
            // Taming first: the walk then freezes the accessors it made.
            tame(&ctx, &specs, &set_impl)
                .and_then(|tamed| {
                    crate::engine::exec::freeze::harden(&ctx, &roots, &generators, tamed, &mutable)
                })
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
