// Host module `util`: format, inspect (Node's layout: depth 2, 100 array items, 10,000
// string characters, breakLength 128, compact 3; cycles, getters and class names shown as Node
// shows them), promisify / callbackify, types, isDeepStrictEqual, inherits, deprecate,
// TextEncoder / TextDecoder. Pure JS but for one native: the state of a promise.
(function (host, require, module) {
  'use strict';
  const customInspect = Symbol.for('nodejs.util.inspect.custom');
  const customPromisify = Symbol.for('nodejs.util.promisify.custom');
  const deepEqualKey = Symbol.for('sandbench.util.deepEqual');
  const ObjProto = Object.prototype;
  const toStr = ObjProto.toString;
  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;
  const AsyncFunctionProto = Object.getPrototypeOf(async function () {});
  const GeneratorFunctionProto = Object.getPrototypeOf(function* () {});
  const AsyncGeneratorFunctionProto = Object.getPrototypeOf(async function* () {});
  const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size').get;
  const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size').get;
  const abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
  const dateGetTime = Date.prototype.getTime;
  const regexpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, 'source').get;

  function invalidArg(name, what, v) {
    const e = new TypeError('The "' + name + '" argument must be ' + what + '. Received ' + describe(v));
    e.code = 'ERR_INVALID_ARG_TYPE';
    return e;
  }
  function describe(v) {
    if (v == null) return String(v);
    if (typeof v === 'function') return 'function ' + (v.name || '');
    if (typeof v === 'object') {
      const c = v.constructor;
      return c && c.name ? 'an instance of ' + c.name : inspect(v, { depth: -1 });
    }
    let s = inspect(v, { colors: false });
    if (s.length > 28) s = s.slice(0, 25) + '...';
    return 'type ' + typeof v + ' (' + s + ')';
  }

  // ---------------------------------------------------------------- types
  const tagOf = (v) => Reflect.apply(toStr, v, []).slice(8, -1);
  function isBrand(v, proto, getter) {
    if (v === null || typeof v !== 'object') return false;
    try {
      Reflect.apply(getter, v, []);
      return true;
    } catch (_e) {
      return false;
    }
  }
  const types = {
    isPromise: (v) => v instanceof Promise,
    isRegExp: (v) => isBrand(v, RegExp.prototype, regexpSource),
    isDate: (v) => isBrand(v, Date.prototype, dateGetTime),
    isMap: (v) => isBrand(v, Map.prototype, mapSize),
    isSet: (v) => isBrand(v, Set.prototype, setSize),
    isWeakMap: (v) => v instanceof WeakMap,
    isWeakSet: (v) => v instanceof WeakSet,
    isArrayBuffer: (v) => isBrand(v, ArrayBuffer.prototype, abByteLength),
    isSharedArrayBuffer: (v) => typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer,
    isAnyArrayBuffer: (v) => types.isArrayBuffer(v) || types.isSharedArrayBuffer(v),
    isDataView: (v) => v instanceof DataView,
    isTypedArray: (v) => v !== null && typeof v === 'object' && Reflect.apply(typedArrayTag, v, []) !== undefined,
    isArrayBufferView: (v) => ArrayBuffer.isView(v),
    isUint8Array: (v) => types.isTypedArray(v) && Reflect.apply(typedArrayTag, v, []) === 'Uint8Array',
    isAsyncFunction: (v) => typeof v === 'function' && (Object.getPrototypeOf(v) === AsyncFunctionProto || Object.getPrototypeOf(v) === AsyncGeneratorFunctionProto),
    isGeneratorFunction: (v) => typeof v === 'function' && (Object.getPrototypeOf(v) === GeneratorFunctionProto || Object.getPrototypeOf(v) === AsyncGeneratorFunctionProto),
    isGeneratorObject: (v) => v !== null && typeof v === 'object' && tagOf(v) === 'Generator',
    isNativeError: (v) => v instanceof Error,
    isBoxedPrimitive: (v) => v !== null && typeof v === 'object' && (v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof Symbol || v instanceof BigInt),
    isNumberObject: (v) => v instanceof Number,
    isStringObject: (v) => v instanceof String,
    isBooleanObject: (v) => v instanceof Boolean,
    isSymbolObject: (v) => v instanceof Symbol,
    isBigIntObject: (v) => v instanceof BigInt,
    isMapIterator: (v) => v !== null && typeof v === 'object' && tagOf(v) === 'Map Iterator',
    isSetIterator: (v) => v !== null && typeof v === 'object' && tagOf(v) === 'Set Iterator',
    isArgumentsObject: (v) => v !== null && typeof v === 'object' && tagOf(v) === 'Arguments',
    isProxy: () => {
      throw new Error('util.types.isProxy is not supported in sandbox');
    },
    isExternal: () => false,
    isModuleNamespaceObject: (v) => v !== null && typeof v === 'object' && tagOf(v) === 'Module',
  };
  for (const n of ['Int8', 'Uint8Clamped', 'Int16', 'Uint16', 'Int32', 'Uint32', 'Float32', 'Float64', 'BigInt64', 'BigUint64']) {
    types['is' + n + 'Array'] = (v) => types.isTypedArray(v) && Reflect.apply(typedArrayTag, v, []) === n + 'Array';
  }

  // ---------------------------------------------------------------- inspect
  const defaults = {
    showHidden: false,
    depth: 2,
    colors: false,
    customInspect: true,
    showProxy: false,
    maxArrayLength: 100,
    maxStringLength: 10000,
    breakLength: 128,
    compact: 3,
    sorted: false,
    getters: false,
    numericSeparator: false,
  };
  const kObjectType = 0;
  const kArrayType = 1;
  const kArrayExtrasType = 2;
  const identRe = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  const meta = [];
  for (let i = 0; i < 0x20; i++) meta.push('\\x' + i.toString(16).toUpperCase().padStart(2, '0'));
  meta[8] = '\\b';
  meta[9] = '\\t';
  meta[10] = '\\n';
  meta[12] = '\\f';
  meta[13] = '\\r';

  function strEscape(str) {
    let quote = "'";
    if (str.includes("'")) {
      if (!str.includes('"')) quote = '"';
      else if (!str.includes('`') && !str.includes('${')) quote = '`';
    }
    let out = '';
    for (let i = 0; i < str.length; i++) {
      const c = str.charCodeAt(i);
      const ch = str[i];
      if (c < 0x20 || c === 0x7f) out += c === 0x7f ? '\\x7F' : meta[c];
      else if (ch === quote || ch === '\\') out += '\\' + ch;
      else if (c >= 0xd800 && c <= 0xdfff) {
        const next = str.charCodeAt(i + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          out += ch + str[i + 1];
          i++;
        } else out += '\\u' + c.toString(16).toUpperCase();
      } else out += ch;
    }
    return quote + out + quote;
  }

  function formatNumber(n, sep) {
    if (Object.is(n, -0)) return '-0';
    const s = String(n);
    if (!sep || !Number.isFinite(n)) return s;
    const [int, frac] = s.split('.');
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '_');
    return frac === undefined ? grouped : grouped + '.' + frac.replace(/(\d{3})(?=\d)/g, '$1_');
  }

  function formatPrimitive(v, ctx) {
    switch (typeof v) {
      case 'string': {
        let trailer = '';
        if (v.length > ctx.maxStringLength) {
          const remaining = v.length - ctx.maxStringLength;
          v = v.slice(0, ctx.maxStringLength);
          trailer = '... ' + remaining + ' more character' + (remaining > 1 ? 's' : '');
        }
        if (ctx.compact !== true && v.length > 16 && v.length > ctx.breakLength - ctx.indentationLvl - 4) {
          return v
            .split(/(?<=\n)/)
            .map((line) => strEscape(line))
            .join(' +\n' + ' '.repeat(ctx.indentationLvl + 2)) + trailer;
        }
        return strEscape(v) + trailer;
      }
      case 'number':
        return formatNumber(v, ctx.numericSeparator);
      case 'bigint':
        return String(v) + 'n';
      case 'boolean':
        return String(v);
      case 'undefined':
        return 'undefined';
      case 'symbol':
        return Symbol.prototype.toString.call(v);
    }
    return String(v);
  }

  function getCtorName(obj) {
    let o = obj;
    let depth = 0;
    while (o !== null && depth < 1000) {
      const d = Object.getOwnPropertyDescriptor(o, 'constructor');
      // The strict profile's override taming turns a frozen prototype's `constructor` into
      // an accessor whose getter carries the value as `originalValue` (SES's convention).
      const c = d === undefined ? undefined : 'value' in d ? d.value : d.get !== undefined ? d.get.originalValue : undefined;
      if (typeof c === 'function' && c.name !== '') {
        return c.name;
      }
      o = Object.getPrototypeOf(o);
      depth++;
    }
    return null;
  }

  function getPrefix(ctor, tag, fallback, size) {
    if (ctor === null) {
      if (tag !== '' && fallback !== tag) return '[' + fallback + (size !== undefined ? '(' + size + ')' : '') + ': null prototype] [' + tag + '] ';
      return '[' + fallback + (size !== undefined ? '(' + size + ')' : '') + ': null prototype] ';
    }
    if (tag !== '' && ctor !== tag) return ctor + (size !== undefined ? '(' + size + ')' : '') + ' [' + tag + '] ';
    return ctor + (size !== undefined ? '(' + size + ')' : '') + ' ';
  }

  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(value, ctx);
    if (value === null) return 'null';
    if (ctx.customInspect) {
      let maybeCustom;
      try {
        maybeCustom = value[customInspect];
      } catch (_e) {
        maybeCustom = undefined;
      }
      if (typeof maybeCustom === 'function' && maybeCustom !== inspect) {
        const depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
        const opts = Object.assign({}, ctx.userOptions || {}, { depth, indentationLvl: ctx.indentationLvl });
        const ret = Reflect.apply(maybeCustom, value, [depth, opts, inspect]);
        if (ret !== value) {
          if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
          return ret.replaceAll('\n', '\n' + ' '.repeat(ctx.indentationLvl));
        }
      }
    }
    if (ctx.seen.includes(value)) {
      let index = 1;
      if (ctx.circular === undefined) {
        ctx.circular = new Map();
        ctx.circular.set(value, index);
      } else {
        index = ctx.circular.get(value);
        if (index === undefined) {
          index = ctx.circular.size + 1;
          ctx.circular.set(value, index);
        }
      }
      return '[Circular *' + index + ']';
    }
    return formatRaw(ctx, value, recurseTimes, typedArray);
  }

  function keysOf(value, showHidden) {
    let keys;
    const symbols = Object.getOwnPropertySymbols(value);
    if (showHidden) {
      keys = Object.getOwnPropertyNames(value);
      if (symbols.length !== 0) keys.push(...symbols);
    } else {
      keys = Object.keys(value);
      for (let i = 0; i < symbols.length; i++) {
        const d = Object.getOwnPropertyDescriptor(value, symbols[i]);
        if (d && d.enumerable) keys.push(symbols[i]);
      }
    }
    return keys;
  }

  function fnBase(value, ctor, tag) {
    let type = 'Function';
    if (types.isGeneratorFunction(value)) type = 'Generator' + type;
    if (types.isAsyncFunction(value)) type = 'Async' + type;
    let src = '';
    try {
      src = Function.prototype.toString.call(value);
    } catch (_e) {
      src = '';
    }
    if (src.startsWith('class') && /^class(\s|\{)/.test(src)) {
      let base = '[class ' + (value.name || '(anonymous)');
      if (ctor !== 'Function' && ctor !== null) base += ' [' + ctor + ']';
      const sup = Object.getPrototypeOf(value);
      if (sup && sup.name) base += ' extends ' + sup.name;
      return base + ']';
    }
    let base = '[' + type;
    if (ctor === null) base += ' (null prototype)';
    base += value.name === '' ? ' (anonymous)' : ': ' + value.name;
    base += ']';
    if (ctor !== type && ctor !== null) base += ' ' + ctor;
    if (tag !== '' && ctor !== tag) base += ' [' + tag + ']';
    return base;
  }

  function formatError(err, ctor, keys) {
    let name;
    let message;
    let stack;
    try {
      name = err.name;
      message = err.message;
      stack = err.stack;
    } catch (_e) {
      /* a getter threw: show what can be shown */
    }
    const head = String(name || 'Error') + (message ? ': ' + message : '');
    let s = typeof stack === 'string' && stack !== '' ? (stack.startsWith(head) ? stack : head + '\n' + stack) : '[' + head + ']';
    s = s.replace(/\n+$/, '');
    const mi = keys.indexOf('message');
    if (mi !== -1) keys.splice(mi, 1);
    const si = keys.indexOf('stack');
    if (si !== -1) keys.splice(si, 1);
    return s;
  }

  function formatRaw(ctx, value, recurseTimes, typedArray) {
    let keys;
    let protoProps;
    const ctor = getCtorName(value);
    let tag = value[Symbol.toStringTag];
    if (typeof tag !== 'string' || (tag !== '' && (ctx.showHidden ? hasOwn(value, Symbol.toStringTag) : false))) tag = '';
    let base = '';
    let formatter = formatObjectEntries;
    let braces;
    let noIterator = true;
    let i = 0;
    let extrasType = kObjectType;
    const filter = ctx.showHidden;

    if (Array.isArray(value)) {
      const prefix = ctor !== 'Array' || tag !== '' ? getPrefix(ctor, tag, 'Array', value.length) : '';
      keys = keysOf(value, filter).filter((k) => typeof k !== 'string' || !/^(0|[1-9][0-9]*)$/.test(k) || Number(k) >= 4294967295);
      if (filter) keys = keys.filter((k) => k !== 'length').concat([]);
      braces = [prefix + '[', ']'];
      if (value.length === 0 && keys.length === 0 && protoProps === undefined) return braces[0] + ']';
      extrasType = kArrayExtrasType;
      formatter = formatArray;
      if (ctx.showHidden) keys.unshift('length');
      noIterator = false;
    } else if (types.isSet(value) || types.isMap(value)) {
      const isSet = types.isSet(value);
      const size = Reflect.apply(isSet ? setSize : mapSize, value, []);
      const prefix = getPrefix(ctor, tag, isSet ? 'Set' : 'Map', size);
      keys = keysOf(value, filter);
      formatter = isSet ? formatSet : formatMap;
      if (size === 0 && keys.length === 0) return prefix + '{}';
      braces = [prefix + '{', '}'];
      noIterator = false;
    } else if (types.isTypedArray(value)) {
      const fallback = Reflect.apply(typedArrayTag, value, []);
      const size = value.length;
      const prefix = getPrefix(ctor, tag, fallback, size);
      keys = keysOf(value, filter).filter((k) => typeof k !== 'string' || !/^(0|[1-9][0-9]*)$/.test(k));
      braces = [prefix + '[', ']'];
      if (value.length === 0 && keys.length === 0 && !ctx.showHidden) return braces[0] + ']';
      formatter = (c, v, r) => formatTypedArray(v, size, c, r);
      extrasType = kArrayExtrasType;
      noIterator = false;
    } else if (types.isMapIterator(value) || types.isSetIterator(value)) {
      keys = keysOf(value, filter);
      braces = ['[' + (tag || 'Iterator') + '] {', '}'];
      formatter = () => ['[items unknown]'];
      noIterator = false;
    }
    if (noIterator) {
      keys = keysOf(value, filter);
      braces = ['{', '}'];
      if (ctor === 'Object') {
        if (types.isArgumentsObject(value)) braces[0] = '[Arguments] [';
        else if (tag !== '') braces[0] = getPrefix(ctor, tag, 'Object') + '{';
        if (keys.length === 0 && protoProps === undefined) return braces[0] + '}';
      } else if (typeof value === 'function') {
        base = fnBase(value, ctor, tag);
        if (keys.length === 0 && protoProps === undefined) return base;
      } else if (types.isRegExp(value)) {
        base = RegExp.prototype.toString.call(ctor !== null ? value : new RegExp(value));
        const prefix = getPrefix(ctor, tag, 'RegExp');
        if (prefix !== 'RegExp ') base = prefix + base;
        if ((keys.length === 0 && protoProps === undefined) || recurseTimes > ctx.depth) return base;
      } else if (types.isDate(value)) {
        const t = Reflect.apply(dateGetTime, value, []);
        base = t === t ? Date.prototype.toISOString.call(value) : 'Invalid Date';
        const prefix = getPrefix(ctor, tag, 'Date');
        if (prefix !== 'Date ') base = prefix + base;
        if (keys.length === 0 && protoProps === undefined) return base;
      } else if (value instanceof Error) {
        base = formatError(value, ctor, keys);
        if (keys.length === 0 && protoProps === undefined) return base;
      } else if (types.isAnyArrayBuffer(value)) {
        const arrayType = types.isArrayBuffer(value) ? 'ArrayBuffer' : 'SharedArrayBuffer';
        const prefix = getPrefix(ctor, tag, arrayType);
        if (typedArray === undefined) formatter = formatArrayBuffer;
        else if (keys.length === 0 && protoProps === undefined) return prefix + '{ byteLength: ' + formatNumber(value.byteLength, false) + ' }';
        braces[0] = prefix + '{';
        keys.unshift('byteLength');
      } else if (types.isDataView(value)) {
        braces[0] = getPrefix(ctor, tag, 'DataView') + '{';
        keys.unshift('byteLength', 'byteOffset', 'buffer');
      } else if (types.isPromise(value)) {
        braces[0] = getPrefix(ctor, tag, 'Promise') + '{';
        formatter = formatPromise;
      } else if (types.isWeakSet(value)) {
        braces[0] = getPrefix(ctor, tag, 'WeakSet') + '{';
        formatter = () => ['<items unknown>'];
      } else if (types.isWeakMap(value)) {
        braces[0] = getPrefix(ctor, tag, 'WeakMap') + '{';
        formatter = () => ['<items unknown>'];
      } else if (types.isModuleNamespaceObject(value)) {
        braces[0] = getPrefix(ctor, tag, 'Module') + '{';
      } else if (types.isBoxedPrimitive(value)) {
        let type;
        let fn;
        if (value instanceof Number) {
          type = 'Number';
          fn = Number.prototype.valueOf;
        } else if (value instanceof String) {
          type = 'String';
          fn = String.prototype.valueOf;
          keys = keys.filter((k) => typeof k !== 'string' || !/^(0|[1-9][0-9]*)$/.test(k));
        } else if (value instanceof Boolean) {
          type = 'Boolean';
          fn = Boolean.prototype.valueOf;
        } else if (value instanceof BigInt) {
          type = 'BigInt';
          fn = BigInt.prototype.valueOf;
        } else {
          type = 'Symbol';
          fn = Symbol.prototype.valueOf;
        }
        base = '[' + type;
        if (type !== ctor) base += ctor === null ? ' (null prototype)' : ' (' + ctor + ')';
        base += ': ' + formatPrimitive(Reflect.apply(fn, value, []), Object.assign({}, ctx, { compact: true })) + ']';
        if (tag !== '' && tag !== ctor) base += ' [' + tag + ']';
        if (keys.length === 0 && protoProps === undefined) return base;
      } else {
        if (keys.length === 0 && protoProps === undefined) {
          return getCtorPrefix(ctor, tag) + '{}';
        }
        braces[0] = getCtorPrefix(ctor, tag) + '{';
      }
    }

    if (recurseTimes > ctx.depth && ctx.depth !== null) {
      let name = (ctor || tag || 'Object').replace(/^\[|\]$/g, '');
      if (ctor === null) name = '[' + (Array.isArray(value) ? 'Array' : 'Object') + ': null prototype]';
      return name.startsWith('[') ? name : '[' + name + ']';
    }
    recurseTimes += 1;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    let output;
    try {
      output = formatter(ctx, value, recurseTimes);
      for (i = 0; i < keys.length; i++) {
        output.push(formatProperty(ctx, value, recurseTimes, keys[i], extrasType));
      }
    } finally {
      ctx.seen.pop();
    }
    if (ctx.circular !== undefined) {
      const index = ctx.circular.get(value);
      if (index !== undefined) {
        const reference = '<ref *' + index + '>';
        if (ctx.compact !== true) base = base === '' ? reference : reference + ' ' + base;
        else braces[0] = reference + ' ' + braces[0];
      }
    }
    if (ctx.sorted) {
      const cmp = ctx.sorted === true ? undefined : ctx.sorted;
      if (extrasType === kObjectType) output.sort(cmp);
    }
    const res = reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
    const budget = ctx.budget[ctx.indentationLvl] || 0;
    const newLength = budget + res.length;
    ctx.budget[ctx.indentationLvl] = newLength;
    if (newLength > 2 ** 27) ctx.depth = -1;
    return res;
  }

  function getCtorPrefix(ctor, tag) {
    if (ctor === null) return '[Object: null prototype] ' + (tag !== '' ? '[' + tag + '] ' : '');
    if (tag !== '' && ctor !== tag) return ctor + ' [' + tag + '] ';
    return ctor + ' ';
  }

  function formatObjectEntries() {
    return [];
  }

  function formatArray(ctx, value, recurseTimes) {
    const len = value.length;
    const max = Math.min(Math.max(0, ctx.maxArrayLength), len);
    const remaining = len - max;
    const output = [];
    let holes = 0;
    let i = 0;
    for (; i < max; i++) {
      if (!hasOwn(value, i)) {
        holes++;
        continue;
      }
      if (holes > 0) {
        output.push('<' + holes + ' empty item' + (holes > 1 ? 's' : '') + '>');
        holes = 0;
        if (output.length >= max) break;
      }
      output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
      if (output.length >= max) break;
    }
    if (holes > 0) output.push('<' + holes + ' empty item' + (holes > 1 ? 's' : '') + '>');
    if (remaining > 0) output.push('... ' + remaining + ' more item' + (remaining > 1 ? 's' : ''));
    return output;
  }

  function formatTypedArray(value, length, ctx, recurseTimes) {
    const max = Math.min(Math.max(0, ctx.maxArrayLength), length);
    const remaining = value.length - max;
    const output = [];
    for (let i = 0; i < max; ++i) {
      const v = value[i];
      output.push(typeof v === 'bigint' ? String(v) + 'n' : formatNumber(v, ctx.numericSeparator));
    }
    if (remaining > 0) output.push('... ' + remaining + ' more item' + (remaining > 1 ? 's' : ''));
    if (ctx.showHidden) {
      ctx.indentationLvl += 2;
      for (const key of ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer']) {
        output.push('[' + key + ']: ' + formatValue(ctx, value[key], recurseTimes, true));
      }
      ctx.indentationLvl -= 2;
    }
    return output;
  }

  function formatArrayBuffer(ctx, value) {
    const bytes = new Uint8Array(value);
    let str = '';
    const n = Math.min(ctx.maxArrayLength, bytes.length);
    for (let i = 0; i < n; i++) str += (i ? ' ' : '') + bytes[i].toString(16).padStart(2, '0');
    const remaining = bytes.length - ctx.maxArrayLength;
    if (remaining > 0) str += ' ... ' + remaining + ' more byte' + (remaining > 1 ? 's' : '');
    return ['[Uint8Contents]: <' + str + '>'];
  }

  function formatSet(ctx, value, recurseTimes) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const v of Set.prototype.values.call(value)) output.push(formatValue(ctx, v, recurseTimes));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const [k, v] of Map.prototype.entries.call(value)) {
      output.push(formatValue(ctx, k, recurseTimes) + ' => ' + formatValue(ctx, v, recurseTimes));
    }
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatPromise(ctx, value, recurseTimes) {
    const st = host.promiseState(value);
    if (st === 'pending') return ['<pending>'];
    ctx.indentationLvl += 2;
    const str = formatValue(ctx, host.promiseResult(value), recurseTimes);
    ctx.indentationLvl -= 2;
    return [st === 'rejected' ? '<rejected> ' + str : str];
  }

  function formatProperty(ctx, value, recurseTimes, key, type) {
    let name;
    let str;
    const desc = Object.getOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    if (desc.value !== undefined) {
      const diff = ctx.compact !== true || type !== kObjectType ? 2 : 3;
      ctx.indentationLvl += diff;
      str = formatValue(ctx, desc.value, recurseTimes);
      if (diff === 3 && ctx.breakLength < str.length) {
        str = '\n' + ' '.repeat(ctx.indentationLvl) + str;
      }
      ctx.indentationLvl -= diff;
    } else if (desc.get !== undefined) {
      const label = desc.set !== undefined ? 'Getter/Setter' : 'Getter';
      if (ctx.getters && (ctx.getters === true || (ctx.getters === 'get' && desc.set === undefined) || (ctx.getters === 'set' && desc.set !== undefined))) {
        try {
          const tmp = Reflect.apply(desc.get, value, []);
          ctx.indentationLvl += 2;
          if (tmp === null || typeof tmp !== 'object') str = '[' + label + ': ' + formatPrimitive(tmp, ctx) + ']';
          else str = '[' + label + '] ' + formatValue(ctx, tmp, recurseTimes);
          ctx.indentationLvl -= 2;
        } catch (err) {
          str = '[' + label + ': <Inspection threw (' + (err && err.message) + ')>]';
        }
      } else {
        str = '[' + label + ']';
      }
    } else if (desc.set !== undefined) {
      str = '[Setter]';
    } else {
      str = 'undefined';
    }
    if (type === kArrayType) return str;
    if (typeof key === 'symbol') {
      name = '[' + Symbol.prototype.toString.call(key).replace(/[\x00-\x1f\x7f]/g, (c) => meta[c.charCodeAt(0)] || c) + ']';
    } else if (key === '__proto__') {
      name = "['__proto__']";
    } else if (desc.enumerable === false) {
      name = '[' + (identRe.test(key) ? key : strEscape(key)) + ']';
    } else if (identRe.test(key)) {
      name = key;
    } else {
      name = strEscape(key);
    }
    return name + ': ' + str;
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (let i = 0; i < output.length; i++) {
      totalLength += output[i].length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === '' || !base.includes('\n');
  }

  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let i = 0;
    let outputLength = output.length;
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2;
    const dataLen = new Array(outputLength);
    for (; i < outputLength; i++) {
      const len = output[i].length;
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
      const approxCharHeights = 2.5;
      const averageBias = Math.sqrt(actualMax - totalLength / output.length);
      const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      const columns = Math.min(
        Math.round(Math.sqrt(approxCharHeights * biasedMax * outputLength) / biasedMax),
        Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15,
      );
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let c = 0; c < columns; c++) {
        let lineLength = 0;
        for (let j = c; j < output.length; j += columns) {
          if (dataLen[j] > lineLength) lineLength = dataLen[j];
        }
        maxLineLength.push(lineLength + separatorSpace);
      }
      let padStart = true;
      if (value !== undefined) {
        for (let k = 0; k < output.length; k++) {
          if (typeof value[k] !== 'number' && typeof value[k] !== 'bigint') {
            padStart = false;
            break;
          }
        }
      }
      for (let k = 0; k < outputLength; k += columns) {
        const max = Math.min(k + columns, outputLength);
        let str = '';
        let j = k;
        for (; j < max - 1; j++) {
          const padding = maxLineLength[j - k] + output[j].length - dataLen[j];
          str += padStart ? (output[j] + ', ').padStart(padding, ' ') : (output[j] + ', ').padEnd(padding, ' ');
        }
        if (padStart) {
          const padding = maxLineLength[j - k] + output[j].length - dataLen[j] - separatorSpace;
          str += output[j].padStart(padding, ' ');
        } else {
          str += output[j];
        }
        tmp.push(str);
      }
      if (ctx.maxArrayLength < output.length) tmp.push(output[outputLength]);
      output = tmp;
    }
    return output;
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    if (ctx.compact !== true) {
      if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
        const entries = output.length;
        if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
        if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
          const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
          if (isBelowBreakLength(ctx, output, start, base)) {
            const joined = output.join(', ');
            if (!joined.includes('\n')) {
              return (base ? base + ' ' : '') + braces[0] + ' ' + joined + ' ' + braces[1];
            }
          }
        }
      }
      const indentation = '\n' + ' '.repeat(ctx.indentationLvl);
      return (base ? base + ' ' : '') + braces[0] + indentation + '  ' + output.join(',' + indentation + '  ') + indentation + braces[1];
    }
    if (isBelowBreakLength(ctx, output, 0, base)) {
      return braces[0] + (base ? ' ' + base : '') + ' ' + output.join(', ') + ' ' + braces[1];
    }
    const indentation = '\n' + ' '.repeat(ctx.indentationLvl);
    const ln = base === '' && braces[0].length === 1 ? ' ' : (base ? ' ' + base : '') + '\n' + indentation + '  ';
    return braces[0] + ln + output.join(',' + indentation + '  ') + ' ' + braces[1];
  }

  function inspect(value, opts) {
    const ctx = {
      budget: {},
      indentationLvl: 0,
      seen: [],
      currentDepth: 0,
      circular: undefined,
      userOptions: undefined,
    };
    for (const k of Object.keys(inspect.defaultOptions)) ctx[k] = inspect.defaultOptions[k];
    if (arguments.length > 1) {
      if (typeof opts === 'boolean') {
        ctx.showHidden = opts;
        if (arguments.length > 2 && arguments[2] !== undefined) ctx.depth = arguments[2];
      } else if (opts !== null && typeof opts === 'object') {
        const keys = Object.keys(opts);
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i];
          if (hasOwn(defaults, k) || k === 'stylize' || k === 'indentationLvl') ctx[k] = opts[k];
        }
        ctx.userOptions = opts;
      }
    }
    if (ctx.depth === Infinity) ctx.depth = null;
    if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
    if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity;
    return formatValue(ctx, value, 0);
  }
  inspect.custom = customInspect;
  inspect.defaultOptions = Object.assign({}, defaults);
  inspect.colors = Object.assign(Object.create(null), { bold: [1, 22], italic: [3, 23], underline: [4, 24], inverse: [7, 27], white: [37, 39], grey: [90, 39], black: [30, 39], blue: [34, 39], cyan: [36, 39], green: [32, 39], magenta: [35, 39], red: [31, 39], yellow: [33, 39] });
  inspect.styles = Object.assign(Object.create(null), { special: 'cyan', number: 'yellow', bigint: 'yellow', boolean: 'yellow', undefined: 'grey', null: 'bold', string: 'green', symbol: 'green', date: 'magenta', regexp: 'red', module: 'underline' });

  // ---------------------------------------------------------------- format
  function hasBuiltInToString(value) {
    if (hasOwn(value, 'toString')) return false;
    let p = value;
    for (let i = 0; p !== null && i < 1000; i++) {
      const desc = Object.getOwnPropertyDescriptor(p, 'toString');
      if (desc !== undefined) {
        // A tamed (strict profile) toString is an accessor carrying the value (see getCtorName).
        const d = 'value' in desc ? desc : { value: desc.get !== undefined ? desc.get.originalValue : undefined };
        return d.value === ObjProto.toString || d.value === Array.prototype.toString || d.value === Error.prototype.toString || d.value === Date.prototype.toString || d.value === RegExp.prototype.toString || d.value === Function.prototype.toString || d.value === Number.prototype.toString || d.value === String.prototype.toString || d.value === Boolean.prototype.toString || d.value === Symbol.prototype.toString || d.value === BigInt.prototype.toString || (typeof p === 'object' && types.isTypedArray(Object.create(p)) === false && p === TypedArrayProto);
      }
      p = Object.getPrototypeOf(p);
    }
    return true;
  }

  function formatWithOptionsInternal(inspectOptions, args) {
    const first = args[0];
    let a = 0;
    let str = '';
    let join = '';
    if (typeof first === 'string') {
      if (args.length === 1) return first;
      let tempStr;
      let lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) === 37) {
          const nextChar = first.charCodeAt(++i);
          if (a + 1 !== args.length) {
            switch (nextChar) {
              case 115: {
                const tempArg = args[++a];
                if (typeof tempArg === 'number') tempStr = formatNumber(tempArg, false);
                else if (typeof tempArg === 'bigint') tempStr = String(tempArg) + 'n';
                else if (typeof tempArg !== 'object' || tempArg === null || !hasBuiltInToString(tempArg)) tempStr = String(tempArg);
                else tempStr = inspect(tempArg, Object.assign({}, inspectOptions, { depth: 0, colors: false, compact: 3 }));
                break;
              }
              case 106: {
                const v = args[++a];
                try {
                  tempStr = JSON.stringify(v);
                } catch (err) {
                  if (err instanceof TypeError && /circular/i.test(String(err.message))) tempStr = '[Circular]';
                  else throw err;
                }
                break;
              }
              case 100: {
                const tempNum = args[++a];
                if (typeof tempNum === 'bigint') tempStr = String(tempNum) + 'n';
                else if (typeof tempNum === 'symbol') tempStr = 'NaN';
                else tempStr = formatNumber(Number(tempNum), false);
                break;
              }
              case 79:
                tempStr = inspect(args[++a], inspectOptions);
                break;
              case 111:
                tempStr = inspect(args[++a], Object.assign({}, inspectOptions, { showHidden: true, showProxy: true, depth: 4 }));
                break;
              case 105: {
                const tempInteger = args[++a];
                if (typeof tempInteger === 'bigint') tempStr = String(tempInteger) + 'n';
                else if (typeof tempInteger === 'symbol') tempStr = 'NaN';
                else tempStr = formatNumber(Number.parseInt(tempInteger), false);
                break;
              }
              case 102: {
                const tempFloat = args[++a];
                if (typeof tempFloat === 'symbol') tempStr = 'NaN';
                else tempStr = formatNumber(Number.parseFloat(tempFloat), false);
                break;
              }
              case 99:
                a += 1;
                tempStr = '';
                break;
              case 37:
                str += first.slice(lastPos, i);
                lastPos = i + 1;
                continue;
              default:
                continue;
            }
            if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
            str += tempStr;
            lastPos = i + 1;
          } else if (nextChar === 37) {
            str += first.slice(lastPos, i);
            lastPos = i + 1;
          }
        }
      }
      if (lastPos !== 0) {
        a++;
        join = ' ';
        if (lastPos < first.length) str += first.slice(lastPos);
      }
    }
    while (a < args.length) {
      const value = args[a];
      str += join;
      str += typeof value !== 'string' ? inspect(value, inspectOptions) : value;
      join = ' ';
      a++;
    }
    return str;
  }

  function format(...args) {
    return formatWithOptionsInternal(undefined, args);
  }
  function formatWithOptions(inspectOptions, ...args) {
    if (inspectOptions === null || typeof inspectOptions !== 'object') throw invalidArg('inspectOptions', 'of type object', inspectOptions);
    return formatWithOptionsInternal(inspectOptions, args);
  }

  // ---------------------------------------------------------------- deep equality
  // Node's comparison (lib/internal/util/comparisons.js, re-derived): strict mode compares
  // with Object.is, prototypes and own enumerable symbol keys; loose mode with == for
  // primitives. Cycles are handled with a memo of pairs under comparison.
  function isDeepEqual(a, b, strict, memo) {
    if (a === b) return a !== 0 || !strict || Object.is(a, b);
    if (strict) {
      if (typeof a !== 'object') return typeof a === 'number' && Number.isNaN(a) && Number.isNaN(b);
      if (typeof b !== 'object' || a === null || b === null) return false;
      if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    } else {
      if (a === null || typeof a !== 'object') {
        if (b === null || typeof b !== 'object') return a == b || (Number.isNaN(a) && Number.isNaN(b));
        return false;
      }
      if (b === null || typeof b !== 'object') return false;
    }
    const aTag = tagOf(a);
    if (aTag !== tagOf(b)) return false;
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      return keyCheck(a, b, strict, memo, 'array');
    }
    if (aTag === 'Object' && !types.isBoxedPrimitive(a) && !(a instanceof Error)) {
      return keyCheck(a, b, strict, memo, 'object');
    }
    if (types.isDate(a)) {
      if (!types.isDate(b) || Reflect.apply(dateGetTime, a, []) !== Reflect.apply(dateGetTime, b, [])) return false;
    } else if (types.isRegExp(a)) {
      if (!types.isRegExp(b) || a.source !== b.source || a.flags !== b.flags || a.lastIndex !== b.lastIndex) return false;
    } else if (a instanceof Error || b instanceof Error) {
      if (!(a instanceof Error) || !(b instanceof Error) || a.message !== b.message || a.name !== b.name) return false;
    } else if (types.isArrayBufferView(a)) {
      if (!types.isArrayBufferView(b)) return false;
      if (strict && types.isTypedArray(a) && Reflect.apply(typedArrayTag, a, []) !== Reflect.apply(typedArrayTag, b, [])) return false;
      const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      if (types.isTypedArray(a) && (Reflect.apply(typedArrayTag, a, []) === 'Float32Array' || Reflect.apply(typedArrayTag, a, []) === 'Float64Array')) {
        if (a.length !== b.length) return false;
        for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (!strict && Number.isNaN(a[i]) && Number.isNaN(b[i])))) return false;
      } else {
        if (x.length !== y.length) return false;
        for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
      }
      return keyCheck(a, b, strict, memo, 'view');
    } else if (types.isSet(a)) {
      if (!types.isSet(b) || a.size !== b.size) return false;
      return keyCheck(a, b, strict, memo, 'set');
    } else if (types.isMap(a)) {
      if (!types.isMap(b) || a.size !== b.size) return false;
      return keyCheck(a, b, strict, memo, 'map');
    } else if (types.isAnyArrayBuffer(a)) {
      if (!types.isAnyArrayBuffer(b)) return false;
      const x = new Uint8Array(a);
      const y = new Uint8Array(b);
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    } else if (types.isBoxedPrimitive(a)) {
      if (!types.isBoxedPrimitive(b) || !Object.is(a.valueOf(), b.valueOf())) return false;
    } else if (types.isBoxedPrimitive(b)) {
      return false;
    }
    return keyCheck(a, b, strict, memo, 'object');
  }

  function ownEnumerableSymbols(o) {
    return Object.getOwnPropertySymbols(o).filter((s) => Object.prototype.propertyIsEnumerable.call(o, s));
  }

  function keyCheck(a, b, strict, memo, kind) {
    let aKeys = Object.keys(a);
    const bKeys = Object.keys(b);
    if (kind === 'array' || kind === 'view') {
      aKeys = aKeys.filter((k) => !/^(0|[1-9][0-9]*)$/.test(k));
      const bk = bKeys.filter((k) => !/^(0|[1-9][0-9]*)$/.test(k));
      if (aKeys.length !== bk.length) return false;
    } else if (aKeys.length !== bKeys.length) {
      return false;
    }
    for (let i = 0; i < aKeys.length; i++) {
      if (!Object.prototype.propertyIsEnumerable.call(b, aKeys[i])) return false;
    }
    if (strict) {
      const sa = ownEnumerableSymbols(a);
      const sb = ownEnumerableSymbols(b);
      if (sa.length !== sb.length) return false;
      for (let i = 0; i < sa.length; i++) {
        if (!Object.prototype.propertyIsEnumerable.call(b, sa[i])) return false;
      }
      aKeys = aKeys.concat(sa);
    }
    if (kind === 'object' && aKeys.length === 0 && !types.isSet(a) && !types.isMap(a)) return true;
    if (memo === undefined) memo = { a: new Map(), b: new Map(), position: 0 };
    else {
      const memoA = memo.a.get(a);
      if (memoA !== undefined) {
        const memoB = memo.b.get(b);
        if (memoB !== undefined) return memoA === memoB;
      }
      memo.position++;
    }
    memo.a.set(a, memo.position);
    memo.b.set(b, memo.position);
    const result = objEquiv(a, b, strict, aKeys, memo, kind);
    memo.a.delete(a);
    memo.b.delete(b);
    return result;
  }

  function setHasEqual(set, val, strict, memo) {
    for (const v of set) if (isDeepEqual(val, v, strict, memo)) return true;
    return false;
  }

  function objEquiv(a, b, strict, keys, memo, kind) {
    if (kind === 'array') {
      for (let i = 0; i < a.length; i++) {
        const ha = hasOwn(a, i);
        if (ha !== hasOwn(b, i)) {
          if (strict || (ha ? a[i] !== undefined : b[i] !== undefined)) return false;
        }
        if (!isDeepEqual(a[i], b[i], strict, memo)) return false;
      }
    } else if (kind === 'set') {
      let rest = null;
      for (const v of a) {
        if (typeof v === 'object' && v !== null) {
          if (rest === null) rest = new Set();
          rest.add(v);
        } else if (!b.has(v)) {
          if (strict) return false;
          if (!setHasEqual(b, v, strict, memo)) return false;
          if (rest === null) rest = new Set();
          rest.add(v);
        }
      }
      if (rest !== null) {
        const bObjects = [];
        for (const v of b) {
          if ((typeof v === 'object' && v !== null) || (!strict && !a.has(v))) bObjects.push(v);
        }
        for (const v of rest) {
          const i = bObjects.findIndex((w) => isDeepEqual(v, w, strict, memo));
          if (i === -1) return false;
          bObjects.splice(i, 1);
        }
      }
    } else if (kind === 'map') {
      let rest = null;
      for (const [k, v] of a) {
        if (typeof k === 'object' && k !== null) {
          if (rest === null) rest = [];
          rest.push([k, v]);
        } else {
          if (!b.has(k) && !(!strict)) return false;
          if (b.has(k)) {
            if (!isDeepEqual(v, b.get(k), strict, memo)) return false;
          } else {
            if (rest === null) rest = [];
            rest.push([k, v]);
          }
        }
      }
      if (rest !== null) {
        const bEntries = [];
        for (const [k, v] of b) {
          if ((typeof k === 'object' && k !== null) || !a.has(k)) bEntries.push([k, v]);
        }
        for (const [k, v] of rest) {
          const i = bEntries.findIndex(([k2, v2]) => isDeepEqual(k, k2, strict, memo) && isDeepEqual(v, v2, strict, memo));
          if (i === -1) return false;
          bEntries.splice(i, 1);
        }
      }
    }
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (!isDeepEqual(a[key], b[key], strict, memo)) return false;
    }
    return true;
  }

  function isDeepStrictEqual(a, b) {
    return isDeepEqual(a, b, true);
  }

  // ---------------------------------------------------------------- promisify & co
  function promisify(original) {
    if (typeof original !== 'function') throw invalidArg('original', 'of type function', original);
    if (original[customPromisify]) {
      const fn = original[customPromisify];
      if (typeof fn !== 'function') throw invalidArg('util.promisify.custom', 'of type function', fn);
      return Object.defineProperty(fn, customPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
    }
    function fn(...args) {
      return new Promise((resolve, reject) => {
        args.push((err, ...values) => {
          if (err) return reject(err);
          resolve(values[0]);
        });
        Reflect.apply(original, this, args);
      });
    }
    Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
    Object.defineProperty(fn, customPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
    const descriptors = Object.getOwnPropertyDescriptors(original);
    for (const k of Reflect.ownKeys(descriptors)) {
      if (k === 'length' || k === 'name' || k === 'prototype') continue;
      Object.defineProperty(fn, k, descriptors[k]);
    }
    return fn;
  }
  promisify.custom = customPromisify;

  function callbackify(original) {
    if (typeof original !== 'function') throw invalidArg('original', 'of type function', original);
    function callbackified(...args) {
      const cb = args.pop();
      if (typeof cb !== 'function') throw invalidArg('last argument', 'of type function', cb);
      const onRejected = (reason) => {
        if (!reason) {
          const e = new Error('Promise was rejected with a falsy value');
          e.code = 'ERR_FALSY_VALUE_REJECTION';
          e.reason = reason;
          reason = e;
        }
        cb(reason);
      };
      Reflect.apply(original, this, args).then((ret) => cb(null, ret), onRejected);
    }
    Object.setPrototypeOf(callbackified, Object.getPrototypeOf(original));
    return callbackified;
  }

  function inherits(ctor, superCtor) {
    if (ctor === undefined || ctor === null) throw invalidArg('ctor', 'of type function', ctor);
    if (superCtor === undefined || superCtor === null) throw invalidArg('superCtor', 'of type function', superCtor);
    if (superCtor.prototype === undefined) throw invalidArg('superCtor.prototype', 'of type object', superCtor.prototype);
    Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  }

  function deprecate(fn, msg, code) {
    if (typeof fn !== 'function') throw invalidArg('fn', 'of type function', fn);
    function deprecated(...args) {
      if (new.target) return Reflect.construct(fn, args, new.target);
      return Reflect.apply(fn, this, args);
    }
    Object.setPrototypeOf(deprecated, fn);
    if (fn.prototype) deprecated.prototype = fn.prototype;
    return deprecated;
  }

  function unsupported(name) {
    return function () {
      throw new Error('util.' + name + ' is not supported in sandbox');
    };
  }

  function isDeepStrictEqualExport(a, b) {
    return isDeepStrictEqual(a, b);
  }

  const util = {
    format,
    formatWithOptions,
    inspect,
    promisify,
    callbackify,
    inherits,
    deprecate,
    isDeepStrictEqual: isDeepStrictEqualExport,
    types,
    isArray: Array.isArray,
    isBoolean: (v) => typeof v === 'boolean',
    isNull: (v) => v === null,
    isNullOrUndefined: (v) => v === null || v === undefined,
    isNumber: (v) => typeof v === 'number',
    isString: (v) => typeof v === 'string',
    isSymbol: (v) => typeof v === 'symbol',
    isUndefined: (v) => v === undefined,
    isRegExp: types.isRegExp,
    isObject: (v) => v !== null && typeof v === 'object',
    isDate: types.isDate,
    isError: (v) => v instanceof Error,
    isFunction: (v) => typeof v === 'function',
    isPrimitive: (v) => v === null || (typeof v !== 'object' && typeof v !== 'function'),
    stripVTControlCharacters: (s) => {
      if (typeof s !== 'string') throw invalidArg('str', 'of type string', s);
      return s.replace(/[\u001B\u009B][[\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\d\/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d\/#&.:=?%@~_]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~]))/g, '');
    },
    toUSVString: (s) => String(s).toWellFormed(),
    debuglog: () => {
      const f = function () {};
      f.enabled = false;
      return f;
    },
    getSystemErrorName: unsupported('getSystemErrorName'),
    getSystemErrorMap: unsupported('getSystemErrorMap'),
    parseArgs: unsupported('parseArgs'),
    parseEnv: unsupported('parseEnv'),
    MIMEType: unsupported('MIMEType'),
    transferableAbortController: unsupported('transferableAbortController'),
  };
  Object.defineProperty(util, 'TextEncoder', {
    enumerable: true,
    configurable: true,
    get() {
      return require('buffer')[Symbol.for('sandbench.text')].TextEncoder;
    },
  });
  Object.defineProperty(util, 'TextDecoder', {
    enumerable: true,
    configurable: true,
    get() {
      return require('buffer')[Symbol.for('sandbench.text')].TextDecoder;
    },
  });
  Object.defineProperty(util, deepEqualKey, { value: isDeepEqual });
  return util;
});
