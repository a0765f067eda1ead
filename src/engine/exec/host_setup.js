// The host bridge's JavaScript half. Compiled once per process by the host (never from user
// input), run in every fresh sandbox context before any user code. It receives the native
// functions of host.rs (`h`) and installs, in this order:
//   1. the captured primordials every guard below uses (nothing is looked up at call time);
//   2. location, refusal and probe helpers;
//   3. console;
//   4. require (the module loader's hook: `loadModule` below);
//   5. a granted fetch (the broker's), the ambient-capability traps (process, module, fetch
//      when not granted, …), `input`, the stack-trace hooks;
//   6. host facts: Math.random (seeded by the host), Date and performance (the host's virtual
//      clock, UTC);
//   strict profile only:
//   7. the code-generation traps, the __proto__ refusal and the reflective guards;
//   8. override taming (frozen data properties that ordinary code overrides become accessors:
//      the list and the setter's body here, the accessors made natively by `h.harden`);
//   9. the full freeze: `h.harden` tames, then walks everything reachable and freezes it.
// Nothing defined here may read a global or a prototype method after setup: a script can
// replace any global binding (they stay writable, as in any realm) and, in the lab profile,
// any builtin.
(function (h, strict, input, hasInput, requireGranted) {
  'use strict';

  // ---------------------------------------------------------------- 1. primordials
  const g = globalThis;
  const O = Object;
  const { defineProperty: dp, getOwnPropertyDescriptor: gopd, freeze, getPrototypeOf: gpo, isExtensible } = O;
  const R = Reflect;
  const { ownKeys, apply, construct, defineProperty: reflectDefine } = R;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const EvalErrorCtor = EvalError;
  const ReferenceErrorCtor = ReferenceError;
  const captureStackTrace = ErrorCtor.captureStackTrace;
  const pst = gopd(ErrorCtor, 'prepareStackTrace');
  const stl = gopd(ErrorCtor, 'stackTraceLimit');
  const mathFloor = Math.floor;
  const numberIsNaN = Number.isNaN;
  const StringCtor = String;
  const strSlice = StringCtor.prototype.slice;
  const strPadStart = StringCtor.prototype.padStart;
  const SymbolToPrimitive = Symbol.toPrimitive;
  const SymbolIterator = Symbol.iterator;
  const SymbolToStringTag = Symbol.toStringTag;
  // isShared: native, sees through Proxies; false for everything in the lab profile (nothing
  // is shared).
  const { record, probe, isShared: hostIsShared, log, require: hostRequire } = h;
  const isObject = (v) => (typeof v === 'object' || typeof v === 'function') && v !== null;

  // ---------------------------------------------------------------- 2. locations and refusals
  // Runs fn with Error.prepareStackTrace neutralised and a numeric stackTraceLimit, through the
  // original native accessors, so no script code runs while the host builds an error.
  function quiet(fn, arg) {
    let p;
    let l;
    if (pst) {
      p = apply(pst.get, ErrorCtor, []);
      apply(pst.set, ErrorCtor, [undefined]);
    }
    if (stl) {
      l = apply(stl.get, ErrorCtor, []);
      apply(stl.set, ErrorCtor, [16]);
    }
    try {
      return fn(arg);
    } finally {
      if (pst) apply(pst.set, ErrorCtor, [p]);
      if (stl) apply(stl.set, ErrorCtor, [l]);
    }
  }
  const stackDesc = gopd(ErrorCtor.prototype, 'stack');
  const stackGet = stackDesc && stackDesc.get;
  function stackOf(e) {
    const s = stackGet ? apply(stackGet, e, []) : undefined;
    return typeof s === 'string' ? s : '';
  }
  // The script location of a refused attempt, from the engine's structured call sites (never
  // from stack text: function names are the script's and could forge a location). The
  // CallSite methods are captured on first use; scripts never reach CallSite.prototype
  // (prepareStackTrace is refused to them). Returns "at FILE:LINE:COL" or ''. Host code has
  // no file name (its bytecode is stripped), so its frames are skipped; so are the frames of
  // our own named sources: `node:<name>` (the host modules, as Node names them) and
  // `sandbench:…` (fetch). A script's file name never holds a ':' (cli::run::script_name).
  const isHostFile = (file) =>
    apply(strSlice, file, [0, 10]) === 'sandbench:' || (file.length > 5 && apply(strSlice, file, [0, 5]) === 'node:');
  const sitesOf = (_e, sites) => sites;
  let siteFile;
  let siteLine;
  let siteCol;
  // The engine's call sites for a new error; undefined when it made none. It calls
  // prepareStackTrace (sitesOf) while it builds them and keeps null if that throws, so an
  // interrupt (or an out-of-memory error) raised on that call is swallowed, not thrown.
  function callSites() {
    const p = apply(pst.get, ErrorCtor, []);
    const l = apply(stl.get, ErrorCtor, []);
    apply(pst.set, ErrorCtor, [sitesOf]);
    // The engine keeps at most 64 frames.
    apply(stl.set, ErrorCtor, [64]);
    let sites;
    try {
      sites = stackGet ? apply(stackGet, new ErrorCtor(), []) : undefined;
    } finally {
      apply(pst.set, ErrorCtor, [p]);
      apply(stl.set, ErrorCtor, [l]);
    }
    return sites && typeof sites.length === 'number' ? sites : undefined;
  }
  function where() {
    if (!pst || !stl) return quiet(() => stackOf(new ErrorCtor()));
    // A swallowed interrupt is not lost: the engine asks the interrupt handler again once its
    // poll counter runs down anew (thousands of polls later), so the second try gets the call
    // sites and the attempt keeps its location; the stopped run still ends right after. Only
    // when both fail (out of memory) is the attempt recorded without a location.
    const sites = callSites() || callSites();
    if (!sites) return '';
    for (let i = 0; i < sites.length; i++) {
      const site = sites[i];
      if (siteFile === undefined) {
        const proto = gpo(site);
        siteFile = proto.getFileName;
        siteLine = proto.getLineNumber;
        siteCol = proto.getColumnNumber;
      }
      const file = apply(siteFile, site, []);
      if (typeof file !== 'string' || isHostFile(file)) continue;
      const line = apply(siteLine, site, []);
      const col = apply(siteCol, site, []);
      if (typeof line !== 'number' || line < 1) continue;
      return 'at ' + file + ':' + line + ':' + col;
    }
    return '';
  }
  // An error whose stack starts at the script frame that called `entry` (a host function the
  // script called): the host's own frames are not the script's business.
  function hostError(Ctor, message, entry) {
    return quiet(() => {
      const e = new Ctor(message);
      apply(captureStackTrace, ErrorCtor, [e, entry]);
      return e;
    });
  }
  function refuse(capability, category, message, Ctor, entry) {
    record(capability, category, message, where());
    throw hostError(Ctor, message, entry);
  }

  // ---------------------------------------------------------------- 3. console
  const consoleObj = {};
  const levels = ['log', 'info', 'warn', 'error', 'debug'];
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    const fn = {
      [level](...args) {
        log(level, args);
      },
    }[level];
    dp(consoleObj, level, { value: fn, writable: true, enumerable: true, configurable: true });
  }
  dp(g, 'console', { value: consoleObj, writable: true, enumerable: false, configurable: true });

  // ---------------------------------------------------------------- 4. require
  // The module loader hook. The host decides (Permissions::allows_module) and hands back a
  // host module's factory, a refusal [capability, category, message] to record and throw, or
  // the message of an allowed module this host does not provide. Exports are cached for the
  // run in a null-prototype cache. Module code runs after the full freeze: it must take the
  // intrinsics it uses from its own scope at load time (never from globals the script may
  // have replaced), and only its own objects are writable.
  const isArray = Array.isArray;
  const modCache = O.create(null);
  const loading = {};
  function loadModule(name, entry) {
    const n = typeof name === 'string' ? name : '<' + typeof name + '>';
    const key = n.length > 5 && apply(strSlice, n, [0, 5]) === 'node:' ? apply(strSlice, n, [5]) : n;
    const hit = key.length < 64 ? modCache[key] : undefined;
    if (hit === loading) throw hostError(ErrorCtor, "Module '" + key + "' requires itself", entry);
    if (hit !== undefined) return hit;
    // `where` goes to the host for the natives of a module that locates its refusals (fs).
    const r = hostRequire(n, where);
    if (typeof r === 'string') throw hostError(ErrorCtor, r, entry);
    if (isArray(r)) refuse(r[0], r[1], r[2], ErrorCtor, entry);
    modCache[key] = loading;
    let exports;
    try {
      exports = apply(r.factory, undefined, [r.host, requireFn, freeze({ name: key })]);
    } catch (e) {
      modCache[key] = undefined;
      throw e;
    }
    modCache[key] = exports;
    return exports;
  }
  const requireFn = {
    require(name) {
      return loadModule(name, requireFn);
    },
  }.require;
  // Objects a script can reach only through a host closure (not as a property value): the
  // freeze walk takes them as extra roots.
  const closureRoots = [requireFn];
  if (requireGranted) {
    dp(g, 'require', { value: requireFn, writable: true, enumerable: false, configurable: true });
  }

  // Granted network (engine/broker): fetch and its classes, installed instead of the fetch
  // trap (before the freeze, which then walks them like any global).
  const net = h.fetchGlobals ? h.fetchGlobals(where) : undefined;
  if (net) {
    const names = ['fetch', 'Request', 'Response', 'Headers', 'AbortController', 'AbortSignal', 'DOMException'];
    for (let i = 0; i < names.length; i++) {
      if (net[names[i]] === undefined) continue;
      dp(g, names[i], { value: net[names[i]], writable: true, enumerable: false, configurable: true });
    }
  }

  // ---------------------------------------------------------------- 5. ambient traps
  // Capabilities of other hosts. `typeof name` answers 'undefined' (recorded as a probe, so
  // UMD wrappers and NODE_ENV checks work); any other read is refused and recorded. The
  // script may declare or assign its own binding of the name (var, let, const, assignment):
  // the trap then gives way to the script's own value. A granted capability (fetch by the
  // broker, above) is installed instead of its trap.
  const traps = [
    ['process', 'process-access'],
    ['module', 'module-loading'],
    ['exports', 'module-loading'],
    ['fetch', 'network'],
    ['XMLHttpRequest', 'network'],
    ['WebSocket', 'network'],
    ['Deno', 'process-access'],
    ['Bun', 'process-access'],
  ];
  if (!requireGranted) traps[traps.length] = ['require', 'module-loading'];
  function installTrap(name, category) {
    const msg = name + ' is not available in sandbox';
    const accessors = {
      get [name]() {
        const at = where();
        if (probe(name, category, at)) return undefined;
        // `require(...)` itself is a call: the module it asks for is what is recorded.
        if (name === 'require') return requireFn;
        record(name, category, msg, at);
        throw hostError(ReferenceErrorCtor, msg, get);
      },
      // The script's own binding of the name (`process = shim`, `var module = …` at top
      // level) replaces the trap on the receiver; a shared intrinsic as receiver (the setter
      // pulled out and called on Object.prototype) is pollution, refused and recorded.
      set [name](v) {
        const target = this;
        if (!isObject(target)) return;
        if (hostIsShared(target)) {
          refuse(name, 'prototype-pollution', 'Cannot modify a shared intrinsic in sandbox (' + name + ')', TypeErrorCtor, set);
        }
        if (!reflectDefine(target, name, { value: v, writable: true, enumerable: true, configurable: true })) {
          throw hostError(TypeErrorCtor, 'object is not extensible', set);
        }
      },
    };
    const d = gopd(accessors, name);
    const get = d.get;
    const set = d.set;
    dp(g, name, { get, set, enumerable: false, configurable: true });
  }
  for (let i = 0; i < traps.length; i++) {
    if (net && traps[i][0] === 'fetch') continue;
    installTrap(traps[i][0], traps[i][1]);
  }

  // `input` arrives deeply frozen from the host, and exists only when given.
  if (hasInput) dp(g, 'input', { value: input, writable: false, enumerable: false, configurable: true });

  // Error.prepareStackTrace is refused in both profiles: its call sites expose the functions
  // on the stack, and the engine calls it while it builds an error, where an interrupt raised
  // inside it is swallowed (a script could make itself unstoppable).
  const pstMsg = 'Error.prepareStackTrace is not available in sandbox';
  const pstAccessors = {
    get prepareStackTrace() {
      return undefined;
    },
    set prepareStackTrace(_v) {
      refuse('Error.prepareStackTrace', 'vm-escape', pstMsg, TypeErrorCtor, pstSet);
    },
  };
  const pstDesc = gopd(pstAccessors, 'prepareStackTrace');
  const pstSet = pstDesc.set;
  dp(ErrorCtor, 'prepareStackTrace', { get: pstDesc.get, set: pstSet, enumerable: false, configurable: false });

  // Error.stackTraceLimit: the engine's setter keeps any value (leaking a previous object:
  // quickjs-ng does not free it) and converts it with valueOf while building every error.
  // Only numbers reach the engine; the script reads back what it stored.
  if (stl) {
    let limit = apply(stl.get, ErrorCtor, []);
    const stlAccessors = {
      get stackTraceLimit() {
        return limit;
      },
      set stackTraceLimit(v) {
        limit = v;
        apply(stl.set, ErrorCtor, [typeof v === 'number' ? v : 0]);
      },
    };
    const d = gopd(stlAccessors, 'stackTraceLimit');
    dp(ErrorCtor, 'stackTraceLimit', { get: d.get, set: d.set, enumerable: false, configurable: true });
  }

  // ---------------------------------------------------------------- 6. host facts
  // Math.random: the host's generator, seeded per run from the OS (or from --seed).
  dp(Math, 'random', { value: h.random, writable: true, enumerable: false, configurable: true });

  // Date and performance read the host's virtual clock (h.now(): milliseconds, advancing with
  // the work the script does, never with host timing), and every local-time method answers
  // in UTC whatever the host's time zone: a run shows no host fact and, given a seed, is
  // replayed exactly.
  const OrigDate = Date;
  const DateProto = OrigDate.prototype;
  const clock = h.clock;
  const origParse = OrigDate.parse;
  const origUTC = OrigDate.UTC;
  const dateGetTime = DateProto.getTime;
  const dateSetTime = DateProto.setTime;
  const dateNow = () => mathFloor(clock(0));
  const utc = {
    FullYear: DateProto.getUTCFullYear,
    Month: DateProto.getUTCMonth,
    Date: DateProto.getUTCDate,
    Day: DateProto.getUTCDay,
    Hours: DateProto.getUTCHours,
    Minutes: DateProto.getUTCMinutes,
    Seconds: DateProto.getUTCSeconds,
    Milliseconds: DateProto.getUTCMilliseconds,
  };
  const utcSet = {
    FullYear: DateProto.setUTCFullYear,
    Month: DateProto.setUTCMonth,
    Date: DateProto.setUTCDate,
    Hours: DateProto.setUTCHours,
    Minutes: DateProto.setUTCMinutes,
    Seconds: DateProto.setUTCSeconds,
    Milliseconds: DateProto.setUTCMilliseconds,
  };
  // Date.parse in UTC: QuickJS reads a date-time without an offset as local time. A leading
  // "GMT" makes a non-ISO string UTC unless it names its own zone (which then wins, being
  // later); an ISO date-time without offset gets a trailing "Z". QuickJS reads at most 127
  // characters; the host reads 123 so that its prefix never pushes text out.
  function parseUTC(s) {
    let str = `${s}`;
    if (str.length > 123) str = apply(strSlice, str, [0, 123]);
    const a = origParse(str);
    if (numberIsNaN(a)) return a;
    const b = origParse('GMT ' + str);
    if (!numberIsNaN(b)) return b;
    const c = origParse(str + 'Z');
    return numberIsNaN(c) ? a : c;
  }
  // Whether v has a time value (the constructor copies another date's time exactly).
  function isDate(v) {
    if (!isObject(v)) return false;
    try {
      apply(dateGetTime, v, []);
      return true;
    } catch (_e) {
      return false;
    }
  }
  // ToPrimitive(v, default), as the Date constructor applies it to one argument.
  function toPrimitive(v) {
    if (!isObject(v)) return v;
    const exotic = v[SymbolToPrimitive];
    if (exotic !== undefined && exotic !== null) {
      const r = apply(exotic, v, ['default']);
      if (isObject(r)) throw new TypeErrorCtor('toPrimitive');
      return r;
    }
    const names = ['valueOf', 'toString'];
    for (let i = 0; i < 2; i++) {
      const f = v[names[i]];
      if (typeof f === 'function') {
        const r = apply(f, v, []);
        if (!isObject(r)) return r;
      }
    }
    throw new TypeErrorCtor('cannot convert to primitive');
  }
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n, w) => (n < 0 ? '-' + apply(strPadStart, `${-n}`, [w - 1, '0']) : apply(strPadStart, `${n}`, [w, '0']));
  // The fields of a date in UTC, or undefined for an invalid date (throws for a non-date).
  function fields(d) {
    const t = apply(dateGetTime, d, []);
    if (numberIsNaN(t)) return undefined;
    const f = {};
    const names = ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds'];
    for (let i = 0; i < names.length; i++) f[names[i]] = apply(utc[names[i]], d, []);
    return f;
  }
  // The formats of QuickJS's local-time strings, with the UTC fields and offset +0000.
  const datePart = (f) => days[f.Day] + ' ' + months[f.Month] + ' ' + pad(f.Date, 2) + ' ' + pad(f.FullYear, 4);
  const timePart = (f) => pad(f.Hours, 2) + ':' + pad(f.Minutes, 2) + ':' + pad(f.Seconds, 2) + ' GMT+0000';
  const localeDate = (f) => pad(f.Month + 1, 2) + '/' + pad(f.Date, 2) + '/' + pad(f.FullYear, 4);
  const localeTime = (f) =>
    pad(((f.Hours + 11) % 12) + 1, 2) + ':' + pad(f.Minutes, 2) + ':' + pad(f.Seconds, 2) + (f.Hours < 12 ? ' AM' : ' PM');
  const fmt = (d, part) => {
    const f = fields(d);
    return f === undefined ? 'Invalid Date' : part(f);
  };
  const dateString = (d) => fmt(d, (f) => datePart(f) + ' ' + timePart(f));
  // A constructor that keeps new.target: defined with `function`, forwarding new.target.
  const DateCtor = {
    Date: function (...args) {
      if (new.target === undefined) return dateString(new OrigDate(dateNow()));
      if (args.length === 0) return construct(OrigDate, [dateNow()], new.target);
      if (args.length === 1) {
        if (isDate(args[0])) return construct(OrigDate, args, new.target);
        const v = toPrimitive(args[0]);
        return construct(OrigDate, [typeof v === 'string' ? parseUTC(v) : v], new.target);
      }
      return construct(OrigDate, [apply(origUTC, OrigDate, args)], new.target);
    },
  }.Date;
  dp(DateCtor, 'length', { value: 7 });
  dp(DateCtor, 'prototype', { value: DateProto, writable: false, enumerable: false, configurable: false });
  const dateStatics = {
    now() {
      return dateNow();
    },
    parse(s) {
      return parseUTC(s);
    },
  };
  dp(DateCtor, 'now', { value: dateStatics.now, writable: true, enumerable: false, configurable: true });
  dp(DateCtor, 'parse', { value: dateStatics.parse, writable: true, enumerable: false, configurable: true });
  dp(DateCtor, 'UTC', { value: origUTC, writable: true, enumerable: false, configurable: true });
  dp(DateProto, 'constructor', { value: DateCtor, writable: true, enumerable: false, configurable: true });
  dp(g, 'Date', { value: DateCtor, writable: true, enumerable: false, configurable: true });
  const localMethods = {
    getYear() {
      const y = apply(utc.FullYear, this, []);
      return y - 1900;
    },
    getTimezoneOffset() {
      return numberIsNaN(apply(dateGetTime, this, [])) ? NaN : 0;
    },
    setYear(y) {
      const t = apply(dateGetTime, this, []);
      let yi = +y;
      if (numberIsNaN(yi)) return apply(dateSetTime, this, [NaN]);
      yi = yi < 0 ? -mathFloor(-yi) : mathFloor(yi);
      if (yi >= 0 && yi <= 99) yi += 1900;
      if (numberIsNaN(t)) apply(dateSetTime, this, [0]);
      return apply(utcSet.FullYear, this, [yi]);
    },
    toString() {
      return dateString(this);
    },
    toDateString() {
      return fmt(this, datePart);
    },
    toTimeString() {
      return fmt(this, timePart);
    },
    toLocaleString() {
      return fmt(this, (f) => localeDate(f) + ', ' + localeTime(f));
    },
    toLocaleDateString() {
      return fmt(this, localeDate);
    },
    toLocaleTimeString() {
      return fmt(this, localeTime);
    },
  };
  // The other local-time getters and setters are their UTC twins (the sandbox's zone is UTC),
  // each named as the method it replaces.
  const twins = [
    ['get', utc],
    ['set', utcSet],
  ];
  for (let t = 0; t < twins.length; t++) {
    const table = twins[t][1];
    const keys = ownKeys(table);
    for (let i = 0; i < keys.length; i++) {
      const name = twins[t][0] + keys[i];
      const f = table[keys[i]];
      localMethods[name] = {
        [name]() {
          return apply(f, this, arguments);
        },
      }[name];
    }
  }
  const localNames = ownKeys(localMethods);
  for (let i = 0; i < localNames.length; i++) {
    const name = localNames[i];
    const orig = gopd(DateProto, name);
    if (!orig) continue;
    const fn = localMethods[name];
    dp(fn, 'length', { value: orig.value.length });
    dp(DateProto, name, { value: fn, writable: true, enumerable: false, configurable: true });
  }
  // performance.now(): virtual milliseconds since the run started; timeOrigin: its start.
  const perfMethods = {
    now() {
      return clock(1);
    },
    get timeOrigin() {
      return clock(2);
    },
  };
  const performanceObj = {};
  dp(performanceObj, 'now', { value: perfMethods.now, writable: true, enumerable: true, configurable: true });
  const originDesc = gopd(perfMethods, 'timeOrigin');
  dp(performanceObj, 'timeOrigin', { get: originDesc.get, enumerable: true, configurable: true });
  dp(g, 'performance', { value: performanceObj, writable: true, enumerable: false, configurable: true });

  if (!strict) return;

  // ---------------------------------------------------------------- 7. code generation, guards
  // Code generation: every constructor of functions, however reached, and eval.
  // Plain function expressions, so that `new Function(...)` reaches the trap too.
  const cg = (label) => {
    const f = function () {
      refuse(label, 'code-generation', 'Code generation from strings is not allowed in sandbox (' + label + ')', EvalErrorCtor, f);
    };
    dp(f, 'name', { value: label });
    return f;
  };
  const FunctionProto = gpo(function () {});
  const AsyncFunctionProto = gpo(async function () {});
  const GeneratorFunctionProto = gpo(function* () {});
  const AsyncGeneratorFunctionProto = gpo(async function* () {});
  // The engine's own code generators: after setup, none may be reachable (h.harden checks).
  const generators = [
    g.eval,
    FunctionProto.constructor,
    AsyncFunctionProto.constructor,
    GeneratorFunctionProto.constructor,
    AsyncGeneratorFunctionProto.constructor,
  ];
  const ctorTraps = [
    [FunctionProto, cg('Function')],
    [AsyncFunctionProto, cg('AsyncFunction')],
    [GeneratorFunctionProto, cg('GeneratorFunction')],
    [AsyncGeneratorFunctionProto, cg('AsyncGeneratorFunction')],
  ];
  for (let i = 0; i < ctorTraps.length; i++) {
    const proto = ctorTraps[i][0];
    const trap = ctorTraps[i][1];
    dp(trap, 'prototype', { value: proto, writable: false, enumerable: false, configurable: false });
    // Writable until the freeze, so that override taming applies to it.
    dp(proto, 'constructor', { value: trap, writable: true, enumerable: false, configurable: true });
  }
  dp(g, 'Function', { value: ctorTraps[0][1], writable: false, enumerable: false, configurable: false });
  dp(g, 'eval', { value: cg('eval'), writable: false, enumerable: false, configurable: false });

  // Prototype pollution: __proto__ is refused; the reflective writers refuse shared intrinsics.
  // `isShared` is native: it sees through Proxies and knows every object the freeze walked.
  const isShared = hostIsShared;
  const protoMsg = '__proto__ is not available in sandbox (use Object.getPrototypeOf)';
  const protoAccessors = {
    get __proto__() {
      refuse('__proto__', 'prototype-pollution', protoMsg, TypeErrorCtor, protoGet);
    },
    set __proto__(_v) {
      refuse('__proto__', 'prototype-pollution', protoMsg, TypeErrorCtor, protoSet);
    },
  };
  const protoDesc = gopd(protoAccessors, '__proto__');
  const protoGet = protoDesc.get;
  const protoSet = protoDesc.set;
  dp(O.prototype, '__proto__', { get: protoGet, set: protoSet, enumerable: false, configurable: false });
  const sharedMsg = (name) => 'Cannot modify a shared intrinsic in sandbox (' + name + ')';
  const guard = (holder, name) => {
    const orig = holder[name];
    const f = {
      [name](target, ...rest) {
        if (isObject(target) && isShared(target)) {
          refuse(name, 'prototype-pollution', sharedMsg(name), TypeErrorCtor, f);
        }
        return apply(orig, holder, [target, ...rest]);
      },
    }[name];
    dp(holder, name, { value: f, writable: false, enumerable: false, configurable: false });
  };
  guard(O, 'defineProperty');
  guard(O, 'defineProperties');
  guard(O, 'setPrototypeOf');
  guard(O, 'assign');
  guard(R, 'defineProperty');
  guard(R, 'set');
  guard(R, 'setPrototypeOf');
  // The legacy accessor definers take their target as `this`.
  const guardThis = (holder, name) => {
    const orig = holder[name];
    if (typeof orig !== 'function') return;
    const f = {
      [name](...args) {
        const target = this;
        if (isObject(target) && isShared(target)) {
          refuse(name, 'prototype-pollution', sharedMsg(name), TypeErrorCtor, f);
        }
        return apply(orig, target, args);
      },
    }[name];
    dp(holder, name, { value: f, writable: false, enumerable: false, configurable: false });
  };
  guardThis(O.prototype, '__defineGetter__');
  guardThis(O.prototype, '__defineSetter__');

  // ---------------------------------------------------------------- 8. override taming
  // Freezing a prototype makes its data properties non-writable, and an assignment that
  // would create an own property of the same name on an object inheriting from it then
  // fails (the "override mistake"): `this.name = 'ValidationError'` in an Error subclass,
  // `Foo.prototype.toString = …`, `obj.constructor = …`. For the properties ordinary code
  // overrides (SES's "moderate" list, plus a few), the data property becomes an accessor:
  // its getter returns the original value; its setter defines an own property on the
  // receiver, and refuses (and records) a write to the shared prototype itself.
  const pollution = 'prototype-pollution';
  // The accessors themselves are made natively by `h.harden` (freeze::tame), one getter
  // holding the original value and one setter per property, for the list built below; this
  // function is the setter's body: the native setter calls it with the receiver, the value
  // assigned and what it was made for. Errors are cut at the native setter (the function on
  // `home`, which is non-configurable from then on), so the stack starts at the script's
  // assignment. No other code can reach this function.
  function tamedSet(recv, v, home, key, shown) {
    const entry = () => gopd(home, key).set;
    if (!isObject(recv)) {
      throw hostError(TypeErrorCtor, 'Cannot create property ' + shown + ' on a primitive', entry());
    }
    if (recv === home || isShared(recv)) {
      refuse('prototype', pollution, 'write to a frozen shared prototype refused (' + shown + ')', TypeErrorCtor, entry());
    }
    const own = gopd(recv, key);
    if (own && !('value' in own)) {
      if (own.set === undefined) throw hostError(TypeErrorCtor, 'no setter for property ' + shown, entry());
      apply(own.set, recv, [v]);
      return;
    }
    const desc = own ? { value: v } : { value: v, writable: true, enumerable: true, configurable: true };
    if (own && !own.writable) throw hostError(TypeErrorCtor, "'" + shown + "' is read-only", entry());
    if (!reflectDefine(recv, key, desc)) {
      throw hostError(TypeErrorCtor, isExtensible(recv) ? "'" + shown + "' is read-only" : 'object is not extensible', entry());
    }
  }
  // [home, label, keys, …]: the writable data properties among `keys` become accessors.
  const tameList = [];
  const tameSome = (home, label, keys) => {
    tameList[tameList.length] = home;
    tameList[tameList.length] = label;
    tameList[tameList.length] = keys;
  };
  const tameAll = (home, label) => tameSome(home, label, ownKeys(home));
  tameSome(O.prototype, 'Object.prototype', [
    'constructor',
    'toString',
    'toLocaleString',
    'valueOf',
    'hasOwnProperty',
    'isPrototypeOf',
    'propertyIsEnumerable',
  ]);
  tameSome(FunctionProto, 'Function.prototype', ['constructor', 'toString', 'bind']);
  tameSome(ErrorCtor.prototype, 'Error.prototype', ['constructor', 'name', 'message', 'toString']);
  // The named global classes' prototypes (those this engine has), `keys` tamed on each.
  const tameClasses = (names, keys) => {
    for (let i = 0; i < names.length; i++) {
      const C = g[names[i]];
      if (typeof C === 'function') tameSome(C.prototype, names[i] + '.prototype', keys);
    }
  };
  tameClasses(
    ['EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'AggregateError', 'InternalError', 'SuppressedError'],
    ['constructor', 'name', 'message'],
  );
  tameSome(Iterator.prototype, 'Iterator.prototype', ['constructor', 'toString', SymbolIterator, SymbolToStringTag]);
  tameSome(Array.prototype, 'Array.prototype', ['constructor', 'toString', 'toLocaleString', 'push', 'concat', SymbolIterator]);
  tameAll(gpo(Int8Array.prototype), '%TypedArray%.prototype');
  tameSome(Date.prototype, 'Date.prototype', ['toJSON', 'toString', 'valueOf']);
  tameSome(GeneratorFunctionProto, '%GeneratorFunction.prototype%', ['constructor']);
  tameClasses(
    ['Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'Date', 'ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
      'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'Float16Array', 'Float32Array', 'Float64Array'],
    ['constructor'],
  );

  // ---------------------------------------------------------------- 9. the full freeze
  // Everything reachable from the global object and from every builtin class's prototype
  // (the hidden iterator, generator and call-site prototypes included) is frozen natively;
  // the walk fails the setup if any of the engine's code generators is still reachable.
  // `console` is the run's own object (not shared by anything): ordinary code replaces
  // `console.log` to silence or capture output, so it stays writable; its functions freeze.
  h.harden(closureRoots, generators, tameList, tamedSet, [consoleObj]);
});
