// The host bridge's JavaScript half. Compiled once per process by the host (never from user
// input), run in every fresh sandbox context before any user code. It receives the native
// functions of host.rs and installs: console, require, the capability traps, and (strict
// profile) the code-generation traps and frozen intrinsics.
(function (h, strict, input, shared) {
  'use strict';
  const g = globalThis;
  const O = Object;
  const dp = O.defineProperty;
  const gopd = O.getOwnPropertyDescriptor;
  const freeze = O.freeze;
  const preventExtensions = O.preventExtensions;
  const gpo = O.getPrototypeOf;
  const ownKeys = Reflect.ownKeys;
  const apply = Reflect.apply;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const EvalErrorCtor = EvalError;
  const ReferenceErrorCtor = ReferenceError;
  const pst = gopd(ErrorCtor, 'prepareStackTrace');
  const stl = gopd(ErrorCtor, 'stackTraceLimit');
  const record = h.record;
  const log = h.log;
  const hostRequire = h.require;

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
  // (prepareStackTrace is refused to them). Returns "at FILE:LINE:COL" or ''.
  const hostFile = 'sandbench:host';
  const strSliceW = String.prototype.slice;
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
      // The host's own frames and the host modules' (`node:<name>`) are not the script's.
      if (typeof file !== 'string' || file === hostFile || (file.length > 5 && apply(strSliceW, file, [0, 5]) === 'node:')) continue;
      const line = apply(siteLine, site, []);
      const col = apply(siteCol, site, []);
      if (typeof line !== 'number' || line < 1) continue;
      return 'at ' + file + ':' + line + ':' + col;
    }
    return '';
  }
  function refuse(capability, category, message, Ctor) {
    record(capability, category, message, where());
    throw quiet(() => new Ctor(message));
  }

  // console
  const consoleObj = {};
  const levels = ['log', 'info', 'warn', 'error', 'debug'];
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    const fn = {
      [level](...args) {
        log(level, args);
      },
    }[level];
    dp(consoleObj, level, { value: fn, writable: !strict, enumerable: true, configurable: !strict });
  }
  dp(g, 'console', { value: consoleObj, writable: !strict, enumerable: false, configurable: !strict });

  // require(name): the host decides (Permissions::allows_module) and loads a host module's
  // factory; its exports are cached here for the run. A null-prototype cache and captured
  // helpers: nothing the script can replace is used on this path.
  const isArray = Array.isArray;
  const strSlice = String.prototype.slice;
  const modCache = O.create(null);
  const loading = {};
  const requireFn = {
    require(name) {
      const n = typeof name === 'string' ? name : '<' + typeof name + '>';
      const key = n.length > 5 && apply(strSlice, n, [0, 5]) === 'node:' ? apply(strSlice, n, [5]) : n;
      const hit = key.length < 64 ? modCache[key] : undefined;
      if (hit === loading) throw quiet(() => new ErrorCtor("Module '" + key + "' requires itself"));
      if (hit !== undefined) return hit;
      const r = hostRequire(n);
      if (typeof r === 'string') throw quiet(() => new ErrorCtor(r));
      if (isArray(r)) refuse(r[0], r[1], r[2], ErrorCtor);
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
    },
  }.require;
  dp(g, 'require', { value: requireFn, writable: false, enumerable: false, configurable: false });

  // Ambient capabilities of other hosts: every touch is refused and recorded.
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
  for (let i = 0; i < traps.length; i++) {
    const name = traps[i][0];
    const category = traps[i][1];
    const msg = name + ' is not available in sandbox';
    dp(g, name, {
      get() {
        refuse(name, category, msg, ReferenceErrorCtor);
      },
      set(_v) {
        refuse(name, category, msg, ReferenceErrorCtor);
      },
      enumerable: false,
      configurable: false,
    });
  }

  // `input` arrives deeply frozen from the host.
  dp(g, 'input', { value: input, writable: false, enumerable: false, configurable: false });

  // Error.prepareStackTrace is refused in both profiles: its call sites expose the functions
  // on the stack, and the engine calls it while it builds an error, where an interrupt raised
  // inside it is swallowed (a script could make itself unstoppable).
  const pstMsg = 'Error.prepareStackTrace is not available in sandbox';
  dp(ErrorCtor, 'prepareStackTrace', {
    get() {
      return undefined;
    },
    set(_v) {
      refuse('Error.prepareStackTrace', 'vm-escape', pstMsg, TypeErrorCtor);
    },
    enumerable: false,
    configurable: false,
  });

  // Error.stackTraceLimit: the engine's setter keeps any value (leaking a previous object:
  // quickjs-ng does not free it) and converts it with valueOf while building every error.
  // Only numbers reach the engine; the script reads back what it stored.
  if (stl) {
    let limit = apply(stl.get, ErrorCtor, []);
    dp(ErrorCtor, 'stackTraceLimit', {
      get() {
        return limit;
      },
      set(v) {
        limit = v;
        apply(stl.set, ErrorCtor, [typeof v === 'number' ? v : 0]);
      },
      enumerable: false,
      configurable: !strict,
    });
  }

  if (!strict) return;

  // Code generation: every constructor of functions, however reached, and eval.
  // Plain function expressions, so that `new Function(...)` reaches the trap too.
  const cg = (label) => {
    const f = function () {
      refuse(label, 'code-generation', 'Code generation from strings is not allowed in sandbox (' + label + ')', EvalErrorCtor);
    };
    dp(f, 'name', { value: label });
    return f;
  };
  const FunctionProto = gpo(function () {});
  const AsyncFunctionProto = gpo(async function () {});
  const GeneratorFunctionProto = gpo(function* () {});
  const AsyncGeneratorFunctionProto = gpo(async function* () {});
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
    dp(proto, 'constructor', { value: trap, writable: false, enumerable: false, configurable: false });
  }
  dp(g, 'Function', { value: ctorTraps[0][1], writable: false, enumerable: false, configurable: false });
  dp(g, 'eval', { value: cg('eval'), writable: false, enumerable: false, configurable: false });

  // Prototype pollution: __proto__ is refused; the reflective writers refuse shared intrinsics.
  // Every shared intrinsic the guards protect. Its `has` is captured now, so a script that
  // replaces WeakSet.prototype.has cannot switch the guards off.
  const frozen = new WeakSet();
  const isShared = apply(Function.prototype.bind, Function.prototype.call, [frozen.has, frozen]);
  const protoMsg = '__proto__ is not available in sandbox (use Object.getPrototypeOf)';
  dp(O.prototype, '__proto__', {
    get() {
      refuse('__proto__', 'prototype-pollution', protoMsg, TypeErrorCtor);
    },
    set(_v) {
      refuse('__proto__', 'prototype-pollution', protoMsg, TypeErrorCtor);
    },
    enumerable: false,
    configurable: false,
  });
  const guard = (holder, name) => {
    const orig = holder[name];
    const f = {
      [name](target, ...rest) {
        if ((typeof target === 'object' || typeof target === 'function') && target !== null && isShared(target)) {
          refuse(name, 'prototype-pollution', 'Cannot modify a shared intrinsic in sandbox (' + name + ')', TypeErrorCtor);
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
  guard(Reflect, 'defineProperty');
  guard(Reflect, 'set');
  guard(Reflect, 'setPrototypeOf');
  // The legacy accessor definers take their target as `this`.
  const guardThis = (holder, name) => {
    const orig = holder[name];
    if (typeof orig !== 'function') return;
    const f = {
      [name](...args) {
        const target = this;
        if ((typeof target === 'object' || typeof target === 'function') && target !== null && frozen.has(target)) {
          refuse(name, 'prototype-pollution', 'Cannot modify a shared intrinsic in sandbox (' + name + ')', TypeErrorCtor);
        }
        return apply(orig, target, args);
      },
    }[name];
    dp(holder, name, { value: f, writable: false, enumerable: false, configurable: false });
  };
  guardThis(O.prototype, '__defineGetter__');
  guardThis(O.prototype, '__defineSetter__');

  // Shared intrinsics. Every one is made non-extensible (no new property can be added: the
  // classic pollution `Object.prototype.isAdmin = true` throws). The ones whose existing
  // properties matter for escapes and pollution are frozen outright. Freezing every builtin
  // would instantiate ~600 lazily-created builtin functions (+200 µs and +150 KB per sandbox).
  const lock = (o) => {
    if ((typeof o === 'object' || typeof o === 'function') && o !== null && !frozen.has(o)) {
      frozen.add(o);
      preventExtensions(o);
    }
  };
  const fz = (o) => {
    if ((typeof o === 'object' || typeof o === 'function') && o !== null) {
      frozen.add(o);
      freeze(o);
    }
  };
  // The named shared intrinsics were made non-extensible natively by the host (`shared`).
  for (let i = 0; i < shared.length; i++) frozen.add(shared[i]);
  const hidden = [
    GeneratorFunctionProto.prototype,
    AsyncGeneratorFunctionProto.prototype,
    gpo(Int8Array),
    gpo(Int8Array.prototype),
    gpo([][Symbol.iterator]()),
    gpo(gpo([][Symbol.iterator]())),
    gpo(''[Symbol.iterator]()),
    gpo(new Map().entries()),
    gpo(new Set().values()),
    gpo(/a/[Symbol.matchAll]('')),
    gpo(gpo(async function* () {}.prototype)),
    gpo(function* () {}.prototype),
  ];
  for (let i = 0; i < hidden.length; i++) lock(hidden[i]);
  const sealed = [
    FunctionProto,
    AsyncFunctionProto,
    GeneratorFunctionProto,
    AsyncGeneratorFunctionProto,
    O,
    Reflect,
    ErrorCtor,
    ErrorCtor.prototype,
    Array.prototype,
    Promise,
    Promise.prototype,
    Symbol,
    consoleObj,
    requireFn,
  ];
  for (let i = 0; i < sealed.length; i++) fz(sealed[i]);
  for (let i = 0; i < ctorTraps.length; i++) fz(ctorTraps[i][1]);
  fz(O.prototype);
});
