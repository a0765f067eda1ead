// Host module `querystring`: Node's legacy query-string parse / stringify / escape / unescape
// (repeated keys become arrays, '+' is a space, malformed escapes are kept as they are,
// maxKeys). Pure JS.
(function (host, require, module) {
  'use strict';

  function hexVal(c) {
    if (c >= 48 && c <= 57) return c - 48;
    if (c >= 65 && c <= 70) return c - 55;
    if (c >= 97 && c <= 102) return c - 87;
    return -1;
  }

  // Percent-decoding that keeps malformed escapes as they are, into a Buffer.
  function unescapeBuffer(s, decodeSpaces) {
    const { Buffer } = require('buffer');
    const src = Buffer.from(String(s));
    const out = Buffer.allocUnsafe(src.length);
    let n = 0;
    for (let i = 0; i < src.length; i++) {
      const c = src[i];
      if (c === 43 && decodeSpaces) {
        out[n++] = 32;
      } else if (c === 37 && i + 2 < src.length) {
        const hi = hexVal(src[i + 1]);
        const lo = hexVal(src[i + 2]);
        if (hi >= 0 && lo >= 0) {
          out[n++] = hi * 16 + lo;
          i += 2;
        } else {
          out[n++] = c;
        }
      } else {
        out[n++] = c;
      }
    }
    return out.subarray(0, n);
  }

  function qsUnescape(s, decodeSpaces) {
    try {
      return decodeURIComponent(s);
    } catch (_e) {
      return unescapeBuffer(s, decodeSpaces).toString();
    }
  }

  function qsEscape(str) {
    if (typeof str !== 'string') {
      if (typeof str === 'object') str = String(str);
      else str += '';
    }
    return encodeURIComponent(str);
  }

  function stringifyPrimitive(v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && isFinite(v)) return '' + v;
    if (typeof v === 'bigint') return '' + v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    return '';
  }

  function stringify(obj, sep, eq, options) {
    sep = sep || '&';
    eq = eq || '=';
    let encode = qs.escape;
    if (options && typeof options.encodeURIComponent === 'function') encode = options.encodeURIComponent;
    const convert = (v) => encode(stringifyPrimitive(v));
    if (obj !== null && typeof obj === 'object') {
      const keys = Object.keys(obj);
      const fields = [];
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        const v = obj[k];
        const ks = convert(k) + eq;
        if (Array.isArray(v)) {
          for (let j = 0; j < v.length; j++) fields.push(ks + convert(v[j]));
        } else {
          fields.push(ks + convert(v));
        }
      }
      return fields.join(sep);
    }
    return '';
  }

  function parse(qsText, sep, eq, options) {
    const obj = Object.create(null);
    if (typeof qsText !== 'string' || qsText.length === 0) return obj;
    sep = sep ? String(sep) : '&';
    eq = eq ? String(eq) : '=';
    let maxKeys = 1000;
    if (options && typeof options.maxKeys === 'number') maxKeys = options.maxKeys;
    let decode = qs.unescape;
    if (options && typeof options.decodeURIComponent === 'function') decode = options.decodeURIComponent;
    let parts = qsText.split(sep);
    if (maxKeys > 0 && parts.length > maxKeys) parts = parts.slice(0, maxKeys);
    const dec = (s) => {
      const spaced = s.replace(/\+/g, ' ');
      try {
        return decode(spaced, true);
      } catch (_e) {
        return qs.unescape(spaced, true);
      }
    };
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part.length === 0) continue;
      const idx = part.indexOf(eq);
      let k;
      let v;
      if (idx >= 0) {
        k = part.slice(0, idx);
        v = part.slice(idx + eq.length);
      } else {
        k = part;
        v = '';
      }
      k = dec(k);
      v = dec(v);
      const cur = obj[k];
      if (cur === undefined) obj[k] = v;
      else if (Array.isArray(cur)) cur.push(v);
      else obj[k] = [cur, v];
    }
    return obj;
  }

  const qs = {
    unescapeBuffer,
    unescape: qsUnescape,
    escape: qsEscape,
    stringify,
    encode: stringify,
    parse,
    decode: parse,
  };
  return qs;
});
