// Host module `path`: POSIX path manipulation, as Node's `path` (= `path.posix`) on Linux.
// Pure string work; the working directory of `resolve` is `/` (a sandbox has no other).
(function (host, require, module) {
  'use strict';
  const CWD = '/';

  function check(p, name) {
    if (typeof p !== 'string') {
      const e = new TypeError('The "' + (name || 'path') + '" argument must be of type string. Received ' + describe(p));
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
  }
  function describe(v) {
    if (v === null) return 'null';
    if (v === undefined) return 'undefined';
    if (typeof v === 'function') return 'function ' + (v.name || '');
    if (typeof v === 'object') return 'an instance of ' + ((v.constructor && v.constructor.name) || 'Object');
    let s = String(v);
    if (s.length > 28) s = s.slice(0, 25) + '...';
    return 'type ' + typeof v + ' (' + (typeof v === 'string' ? "'" + s + "'" : s) + ')';
  }

  // Resolves '.' and '..' segments; `absolute` keeps '..' from climbing above the root.
  function normalizeSegments(p, absolute) {
    const parts = p.split('/');
    const out = [];
    for (let i = 0; i < parts.length; i++) {
      const s = parts[i];
      if (s === '' || s === '.') continue;
      if (s === '..') {
        if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
        else if (!absolute) out.push('..');
        continue;
      }
      out.push(s);
    }
    return out.join('/');
  }

  function normalize(p) {
    check(p);
    if (p.length === 0) return '.';
    const absolute = p.charCodeAt(0) === 47;
    const trailing = p.charCodeAt(p.length - 1) === 47;
    let out = normalizeSegments(p, absolute);
    if (out.length === 0) {
      if (absolute) return '/';
      return trailing ? './' : '.';
    }
    if (trailing) out += '/';
    return absolute ? '/' + out : out;
  }

  function isAbsolute(p) {
    check(p);
    return p.length > 0 && p.charCodeAt(0) === 47;
  }

  function join(...args) {
    let joined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      check(a);
      if (a.length > 0) joined = joined === undefined ? a : joined + '/' + a;
    }
    if (joined === undefined) return '.';
    return normalize(joined);
  }

  function resolve(...args) {
    let resolved = '';
    let absolute = false;
    for (let i = args.length - 1; i >= -1 && !absolute; i--) {
      const p = i >= 0 ? args[i] : CWD;
      check(p, 'paths[' + i + ']');
      if (p.length === 0) continue;
      resolved = p + '/' + resolved;
      absolute = p.charCodeAt(0) === 47;
    }
    resolved = normalizeSegments(resolved, absolute);
    if (absolute) return '/' + resolved;
    return resolved.length > 0 ? resolved : '.';
  }

  function relative(from, to) {
    check(from, 'from');
    check(to, 'to');
    if (from === to) return '';
    from = resolve(from);
    to = resolve(to);
    if (from === to) return '';
    const f = from === '/' ? [] : from.slice(1).split('/');
    const t = to === '/' ? [] : to.slice(1).split('/');
    let i = 0;
    while (i < f.length && i < t.length && f[i] === t[i]) i++;
    const up = [];
    for (let j = i; j < f.length; j++) up.push('..');
    return up.concat(t.slice(i)).join('/');
  }

  function dirname(p) {
    check(p);
    if (p.length === 0) return '.';
    const absolute = p.charCodeAt(0) === 47;
    let end = -1;
    let matchedSlash = true;
    for (let i = p.length - 1; i >= 1; --i) {
      if (p.charCodeAt(i) === 47) {
        if (!matchedSlash) {
          end = i;
          break;
        }
      } else {
        matchedSlash = false;
      }
    }
    if (end === -1) return absolute ? '/' : '.';
    if (absolute && end === 1) return '//';
    return p.slice(0, end);
  }

  function basename(p, suffix) {
    if (suffix !== undefined) check(suffix, 'suffix');
    check(p);
    const b = extBounds(p);
    if (suffix === undefined || suffix.length === 0 || suffix.length > p.length) {
      return b.end === -1 ? '' : p.slice(b.startPart, b.end);
    }
    if (suffix === p) return '';
    // Only slashes: Node answers them all.
    if (b.end === -1) return p;
    const base = p.slice(b.startPart, b.end);
    if (base === suffix) return base;
    if (base.endsWith(suffix)) return base.slice(0, base.length - suffix.length);
    // Node's quirk: a suffix that ends with the whole last part keeps the trailing slashes.
    return suffix.endsWith(base) ? p.slice(b.startPart) : base;
  }

  // The last part's bounds in p (its start, its end before trailing slashes: -1 when p is
  // only slashes) and its extension's dot (-1 when it has none).
  function extBounds(p) {
    let startDot = -1;
    let startPart = 0;
    let end = -1;
    let matchedSlash = true;
    let preDotState = 0;
    for (let i = p.length - 1; i >= 0; --i) {
      const code = p.charCodeAt(i);
      if (code === 47) {
        if (!matchedSlash) {
          startPart = i + 1;
          break;
        }
        continue;
      }
      if (end === -1) {
        matchedSlash = false;
        end = i + 1;
      }
      if (code === 46) {
        if (startDot === -1) startDot = i;
        else if (preDotState !== 1) preDotState = 1;
      } else if (startDot !== -1) {
        preDotState = -1;
      }
    }
    const none =
      startDot === -1 ||
      end === -1 ||
      preDotState === 0 ||
      (preDotState === 1 && startDot === end - 1 && startDot === startPart + 1);
    return { startDot: none ? -1 : startDot, startPart, end };
  }

  function extname(p) {
    check(p);
    const b = extBounds(p);
    return b.startDot === -1 ? '' : p.slice(b.startDot, b.end);
  }

  function parse(p) {
    check(p);
    const ret = { root: '', dir: '', base: '', ext: '', name: '' };
    if (p.length === 0) return ret;
    const absolute = p.charCodeAt(0) === 47;
    if (absolute) ret.root = '/';
    const b = extBounds(p);
    const start = absolute && b.startPart === 0 ? 1 : b.startPart;
    if (b.end !== -1) {
      if (b.startDot === -1) {
        ret.base = ret.name = p.slice(start, b.end);
      } else {
        ret.name = p.slice(start, b.startDot);
        ret.base = p.slice(start, b.end);
        ret.ext = p.slice(b.startDot, b.end);
      }
    }
    if (b.startPart > 0) ret.dir = p.slice(0, b.startPart - 1);
    else if (absolute) ret.dir = '/';
    return ret;
  }

  function format(obj) {
    if (obj === null || typeof obj !== 'object') {
      const e = new TypeError('The "pathObject" argument must be of type object. Received ' + describe(obj));
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    const dir = obj.dir || obj.root;
    let base = obj.base;
    if (!base) {
      const ext = obj.ext ? (obj.ext[0] === '.' ? '' : '.') + obj.ext : '';
      base = (obj.name || '') + ext;
    }
    if (!dir) return base;
    return dir === obj.root ? dir + base : dir + '/' + base;
  }

  function toNamespacedPath(p) {
    return p;
  }

  function matchesGlob() {
    throw new Error('path.matchesGlob is not supported in sandbox');
  }

  const posix = {
    sep: '/',
    delimiter: ':',
    normalize,
    isAbsolute,
    join,
    resolve,
    relative,
    dirname,
    basename,
    extname,
    parse,
    format,
    toNamespacedPath,
    matchesGlob,
  };
  posix.posix = posix;
  posix.win32 = new Proxy(
    {},
    {
      get() {
        throw new Error('path.win32 is not supported in sandbox (this host is POSIX)');
      },
    },
  );
  return posix;
});
