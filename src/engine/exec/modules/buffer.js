// Host module `buffer`: Node's Buffer as a Uint8Array subclass, with the encodings utf8,
// hex, base64, base64url, latin1/binary, ascii and utf16le/ucs2 (decoded as Node decodes
// them: WHATWG UTF-8 replacement, base64 that skips what is not base64 and stops at '=',
// hex that stops at the first bad pair), the read/write integer and float accessors, and
// TextEncoder / TextDecoder for `util`. Pure JS.
(function (host, require, module) {
  'use strict';
  const kMaxLength = 2 ** 32;
  const kStringMaxLength = 2 ** 29 - 24;
  const INSPECT_MAX_BYTES = 50;
  const customInspect = Symbol.for('nodejs.util.inspect.custom');
  const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;
  const u8Subarray = Uint8Array.prototype.subarray;
  const u8Set = Uint8Array.prototype.set;
  const u8Fill = Uint8Array.prototype.fill;
  const nativeToBase64 = Uint8Array.prototype.toBase64;

  function err(Ctor, code, message) {
    const e = new Ctor(message);
    e.code = code;
    return e;
  }
  function received(v) {
    if (v == null) return ' Received ' + v;
    if (typeof v === 'function') return ' Received function ' + (v.name || '');
    if (typeof v === 'object') {
      if (v.constructor && v.constructor.name) return ' Received an instance of ' + v.constructor.name;
      return ' Received ' + String(v);
    }
    let s = typeof v === 'string' ? "'" + v + "'" : String(v);
    if (s.length > 28) s = s.slice(0, 25) + '...';
    if (typeof v === 'bigint') s += 'n';
    return ' Received type ' + typeof v + ' (' + s + ')';
  }
  function invalidArgType(name, expected, v) {
    // Node names positional arguments without quotes ("The first argument must be…").
    const subject = name.endsWith(' argument') ? 'The ' + name : 'The "' + name + '" argument';
    return err(TypeError, 'ERR_INVALID_ARG_TYPE', subject + ' must be ' + expected + '.' + received(v));
  }
  function outOfRange(name, range, v) {
    let shown = String(v);
    if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) > 2 ** 32) shown = addSeparators(shown);
    if (typeof v === 'bigint') {
      shown = String(v);
      if (v > 2n ** 32n || v < -(2n ** 32n)) shown = addSeparators(shown);
      shown += 'n';
    }
    return err(RangeError, 'ERR_OUT_OF_RANGE', 'The value of "' + name + '" is out of range. It must be ' + range + '. Received ' + shown);
  }
  function addSeparators(s) {
    let res = '';
    let i = s.length;
    const start = s[0] === '-' ? 1 : 0;
    for (; i >= start + 4; i -= 3) res = '_' + s.slice(i - 3, i) + res;
    return s.slice(0, i) + res;
  }
  function boundsError(value, length, type) {
    if (Math.floor(value) !== value) {
      throw outOfRange(type || 'offset', 'an integer', value);
    }
    if (length < 0) throw err(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', 'Attempt to access memory outside buffer bounds');
    throw outOfRange(type || 'offset', '>= ' + (type ? 1 : 0) + ' and <= ' + length, value);
  }
  function checkNumberOffset(offset) {
    if (typeof offset !== 'number') throw invalidArgType('offset', 'of type number', offset);
  }

  // ------------------------------------------------------------ encodings
  function normalizeEncoding(enc) {
    if (enc === undefined || enc === null || enc === 'utf8' || enc === 'utf-8') return 'utf8';
    switch (String(enc).toLowerCase()) {
      case 'utf8':
      case 'utf-8':
        return 'utf8';
      case 'hex':
        return 'hex';
      case 'base64':
        return 'base64';
      case 'base64url':
        return 'base64url';
      case 'latin1':
      case 'binary':
        return 'latin1';
      case 'ascii':
        return 'ascii';
      case 'ucs2':
      case 'ucs-2':
      case 'utf16le':
      case 'utf-16le':
        return 'utf16le';
    }
    return undefined;
  }
  function encodingOf(enc) {
    const e = normalizeEncoding(enc);
    if (e === undefined) throw err(TypeError, 'ERR_UNKNOWN_ENCODING', 'Unknown encoding: ' + enc);
    return e;
  }

  function utf8Length(str) {
    let n = 0;
    for (let i = 0; i < str.length; i++) {
      const c = str.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
        const d = str.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          n += 4;
          i++;
        } else n += 3;
      } else n += 3;
    }
    return n;
  }

  // Writes str as UTF-8 into buf[offset, offset + max) without splitting a character;
  // returns the bytes written. Lone surrogates become U+FFFD.
  function utf8Write(buf, str, offset, max) {
    let p = offset;
    const end = offset + max;
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < str.length ? str.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          if (p + 4 > end) break;
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[p++] = 0xf0 | (cp >> 18);
          buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[p++] = 0x80 | (cp & 0x3f);
          i++;
          continue;
        }
        c = 0xfffd;
      }
      if (c < 0x80) {
        if (p + 1 > end) break;
        buf[p++] = c;
      } else if (c < 0x800) {
        if (p + 2 > end) break;
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        if (p + 3 > end) break;
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    return p - offset;
  }

  // WHATWG UTF-8 decode with replacement (maximal subparts), as Node's toString does.
  function utf8Slice(buf, start, end) {
    let out = '';
    let chunk = [];
    let i = start;
    while (i < end) {
      const b = buf[i];
      let cp = 0xfffd;
      let need = 0;
      let lower = 0x80;
      let upper = 0xbf;
      if (b < 0x80) {
        cp = b;
        i += 1;
      } else {
        if (b >= 0xc2 && b <= 0xdf) {
          need = 1;
          cp = b & 0x1f;
        } else if (b >= 0xe0 && b <= 0xef) {
          need = 2;
          cp = b & 0x0f;
          if (b === 0xe0) lower = 0xa0;
          if (b === 0xed) upper = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
          need = 3;
          cp = b & 0x07;
          if (b === 0xf0) lower = 0x90;
          if (b === 0xf4) upper = 0x8f;
        }
        i += 1;
        if (need === 0) {
          cp = 0xfffd;
        } else {
          let k = 0;
          for (; k < need && i < end; k++) {
            const c = buf[i];
            if (c < lower || c > upper) break;
            lower = 0x80;
            upper = 0xbf;
            cp = (cp << 6) | (c & 0x3f);
            i += 1;
          }
          if (k < need) cp = 0xfffd;
        }
      }
      if (cp > 0xffff) {
        cp -= 0x10000;
        chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else {
        chunk.push(cp);
      }
      if (chunk.length >= 8192) {
        out += String.fromCharCode.apply(null, chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) out += String.fromCharCode.apply(null, chunk);
    return out;
  }

  function latin1Slice(buf, start, end, mask) {
    let out = '';
    for (let i = start; i < end; i += 8192) {
      const part = Array.from(Reflect.apply(u8Subarray, buf, [i, Math.min(end, i + 8192)]));
      if (mask !== 0xff) for (let j = 0; j < part.length; j++) part[j] &= mask;
      out += String.fromCharCode.apply(null, part);
    }
    return out;
  }

  function utf16leSlice(buf, start, end) {
    let out = '';
    let chunk = [];
    for (let i = start; i + 1 < end; i += 2) {
      chunk.push(buf[i] | (buf[i + 1] << 8));
      if (chunk.length >= 8192) {
        out += String.fromCharCode.apply(null, chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) out += String.fromCharCode.apply(null, chunk);
    return out;
  }

  const HEX = [];
  for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));
  function hexSlice(buf, start, end) {
    let out = '';
    for (let i = start; i < end; i++) out += HEX[buf[i]];
    return out;
  }
  function hexValue(c) {
    if (c >= 48 && c <= 57) return c - 48;
    if (c >= 97 && c <= 102) return c - 87;
    if (c >= 65 && c <= 70) return c - 55;
    return -1;
  }
  // Decodes pairs until the first pair that is not hex (Node's rule); writes at most max.
  function hexWrite(buf, str, offset, max) {
    const pairs = Math.min(str.length >>> 1, max);
    let i = 0;
    for (; i < pairs; i++) {
      const hi = hexValue(str.charCodeAt(2 * i));
      const lo = hexValue(str.charCodeAt(2 * i + 1));
      if (hi < 0 || lo < 0) break;
      buf[offset + i] = (hi << 4) | lo;
    }
    return i;
  }
  function hexLength(str) {
    let i = 0;
    const pairs = str.length >>> 1;
    for (; i < pairs; i++) {
      if (hexValue(str.charCodeAt(2 * i)) < 0 || hexValue(str.charCodeAt(2 * i + 1)) < 0) break;
    }
    return i;
  }

  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const UNB64 = new Int8Array(256).fill(-1);
  for (let i = 0; i < 64; i++) UNB64[B64.charCodeAt(i)] = i;
  UNB64[45] = 62;
  UNB64[95] = 63;
  function base64Slice(buf, start, end, url) {
    const view = Reflect.apply(u8Subarray, buf, [start, end]);
    if (typeof nativeToBase64 === 'function') {
      return Reflect.apply(nativeToBase64, view, [url ? { alphabet: 'base64url', omitPadding: true } : undefined]);
    }
    const table = url ? B64URL : B64;
    let out = '';
    let i = 0;
    for (; i + 2 < view.length; i += 3) {
      const n = (view[i] << 16) | (view[i + 1] << 8) | view[i + 2];
      out += table[n >> 18] + table[(n >> 12) & 63] + table[(n >> 6) & 63] + table[n & 63];
    }
    if (i < view.length) {
      const n = (view[i] << 16) | ((i + 1 < view.length ? view[i + 1] : 0) << 8);
      out += table[n >> 18] + table[(n >> 12) & 63];
      if (i + 1 < view.length) out += table[(n >> 6) & 63];
      else if (!url) out += '=';
      if (!url) out += '=';
    }
    return out;
  }
  // Node's decoder: both alphabets, anything else skipped, decoding ends at the first '='.
  function base64Sextets(str) {
    const out = [];
    for (let i = 0; i < str.length; i++) {
      const c = str.charCodeAt(i);
      if (c === 61) break;
      const v = c < 256 ? UNB64[c] : -1;
      if (v >= 0) out.push(v);
    }
    return out;
  }
  function base64Length(str) {
    return Math.floor((base64Sextets(str).length * 6) / 8);
  }
  function base64Write(buf, str, offset, max) {
    const s = base64Sextets(str);
    const total = Math.min(Math.floor((s.length * 6) / 8), max);
    let p = 0;
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < s.length && p < total; i++) {
      acc = (acc << 6) | s[i];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        buf[offset + p++] = (acc >> bits) & 0xff;
      }
    }
    return p;
  }

  function byteLengthOf(str, enc) {
    switch (enc) {
      case 'utf8':
        return utf8Length(str);
      case 'hex':
        return str.length >>> 1;
      case 'base64':
      case 'base64url': {
        let n = str.length;
        if (n > 0 && str.charCodeAt(n - 1) === 61) n--;
        if (n > 1 && str.charCodeAt(n - 1) === 61) n--;
        return (n * 3) >>> 2;
      }
      case 'utf16le':
        return str.length * 2;
      default:
        return str.length;
    }
  }
  // The exact number of bytes `str` decodes to (hex and base64 skip and stop as Node does).
  function decodedLength(str, enc) {
    if (enc === 'hex') return hexLength(str);
    if (enc === 'base64' || enc === 'base64url') return base64Length(str);
    return byteLengthOf(str, enc);
  }

  function writeString(buf, str, offset, max, enc) {
    switch (enc) {
      case 'utf8':
        return utf8Write(buf, str, offset, max);
      case 'hex':
        return hexWrite(buf, str, offset, max);
      case 'base64':
      case 'base64url':
        return base64Write(buf, str, offset, max);
      case 'utf16le': {
        const n = Math.min(str.length, max >>> 1);
        for (let i = 0; i < n; i++) {
          const c = str.charCodeAt(i);
          buf[offset + 2 * i] = c & 0xff;
          buf[offset + 2 * i + 1] = c >>> 8;
        }
        return n * 2;
      }
      default: {
        const n = Math.min(str.length, max);
        for (let i = 0; i < n; i++) buf[offset + i] = str.charCodeAt(i) & 0xff;
        return n;
      }
    }
  }

  function slice(buf, enc, start, end) {
    switch (enc) {
      case 'utf8':
        return utf8Slice(buf, start, end);
      case 'hex':
        return hexSlice(buf, start, end);
      case 'base64':
        return base64Slice(buf, start, end, false);
      case 'base64url':
        return base64Slice(buf, start, end, true);
      case 'latin1':
        return latin1Slice(buf, start, end, 0xff);
      case 'ascii':
        return latin1Slice(buf, start, end, 0x7f);
      case 'utf16le':
        return utf16leSlice(buf, start, end);
    }
    return '';
  }

  // ------------------------------------------------------------ Buffer
  class FastBuffer extends Uint8Array {}

  function Buffer(arg, encodingOrOffset, length) {
    if (typeof arg === 'number') {
      if (typeof encodingOrOffset === 'string') throw invalidArgType('string', 'of type string', arg);
      return Buffer.alloc(arg);
    }
    return Buffer.from(arg, encodingOrOffset, length);
  }
  Buffer.prototype = FastBuffer.prototype;
  Object.defineProperty(FastBuffer.prototype, 'constructor', { value: Buffer, writable: true, configurable: true });
  Buffer.poolSize = 8 * 1024;

  function isUint8Array(v) {
    return v !== null && typeof v === 'object' && ArrayBuffer.isView(v) && Reflect.apply(typedArrayTag, v, []) === 'Uint8Array';
  }
  function isAnyArrayBuffer(v) {
    return v instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer);
  }

  function checkSize(size) {
    if (typeof size !== 'number') throw invalidArgType('size', 'of type number', size);
    if (!(size >= 0 && size <= kMaxLength)) throw outOfRange('size', '>= 0 && <= ' + kMaxLength, size);
  }

  Buffer.alloc = function alloc(size, fill, encoding) {
    checkSize(size);
    const buf = new FastBuffer(size);
    if (fill !== undefined && fill !== 0 && size > 0) {
      return bufFill(buf, fill, 0, buf.length, encoding);
    }
    return buf;
  };
  Buffer.allocUnsafe = function allocUnsafe(size) {
    checkSize(size);
    return new FastBuffer(size);
  };
  Buffer.allocUnsafeSlow = Buffer.allocUnsafe;

  function fromString(str, encoding) {
    const enc = typeof encoding === 'string' && encoding.length > 0 ? encodingOf(encoding) : 'utf8';
    const n = decodedLength(str, enc);
    const buf = new FastBuffer(n);
    const written = writeString(buf, str, 0, n, enc);
    return written === n ? buf : Reflect.apply(u8Subarray, buf, [0, written]);
  }

  function fromArrayLike(obj) {
    const n = obj.length >>> 0;
    const buf = new FastBuffer(n);
    for (let i = 0; i < n; i++) buf[i] = obj[i];
    return buf;
  }

  Buffer.from = function from(value, encodingOrOffset, length) {
    if (typeof value === 'string') return fromString(value, encodingOrOffset);
    if (typeof value === 'object' && value !== null) {
      if (isAnyArrayBuffer(value)) {
        const byteLength = value.byteLength;
        let offset = encodingOrOffset === undefined ? 0 : +encodingOrOffset;
        if (offset !== offset) offset = 0;
        if (offset > byteLength) throw err(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', '"offset" is outside of buffer bounds');
        let len = length === undefined ? byteLength - offset : +length;
        if (len !== len) len = 0;
        if (len > byteLength - offset) throw err(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', '"length" is outside of buffer bounds');
        return new FastBuffer(value, offset, Math.max(0, len));
      }
      const valueOf = value.valueOf && value.valueOf();
      if (valueOf != null && valueOf !== value && (typeof valueOf === 'string' || typeof valueOf === 'object')) {
        return Buffer.from(valueOf, encodingOrOffset, length);
      }
      if (ArrayBuffer.isView(value)) {
        if (isUint8Array(value)) {
          const buf = new FastBuffer(value.length);
          Reflect.apply(u8Set, buf, [value]);
          return buf;
        }
        return fromArrayLike(value);
      }
      if (value.length !== undefined || isAnyArrayBuffer(value.buffer)) {
        if (typeof value.length !== 'number') return new FastBuffer();
        return fromArrayLike(value);
      }
      if (value.type === 'Buffer' && Array.isArray(value.data)) return fromArrayLike(value.data);
      if (typeof value[Symbol.toPrimitive] === 'function') {
        const primitive = value[Symbol.toPrimitive]('string');
        if (typeof primitive === 'string') return fromString(primitive, encodingOrOffset);
      }
    }
    throw invalidArgType('first argument', 'of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object', value);
  };

  Buffer.of = function of(...items) {
    return fromArrayLike(items);
  };

  Buffer.isBuffer = function isBuffer(b) {
    return b instanceof Buffer;
  };
  Buffer.isEncoding = function isEncoding(enc) {
    return typeof enc === 'string' && enc.length !== 0 && normalizeEncoding(enc) !== undefined;
  };
  Buffer.byteLength = function byteLength(string, encoding) {
    if (typeof string !== 'string') {
      if (ArrayBuffer.isView(string) || isAnyArrayBuffer(string)) return string.byteLength;
      throw invalidArgType('string', 'of type string or an instance of Buffer or ArrayBuffer', string);
    }
    const enc = normalizeEncoding(encoding) || 'utf8';
    return byteLengthOf(string, enc);
  };
  Buffer.compare = function compare(a, b) {
    if (!isUint8Array(a)) throw invalidArgType('buf1', 'an instance of Buffer or Uint8Array', a);
    if (!isUint8Array(b)) throw invalidArgType('buf2', 'an instance of Buffer or Uint8Array', b);
    return compareBytes(a, 0, a.length, b, 0, b.length);
  };
  function compareBytes(a, aStart, aEnd, b, bStart, bEnd) {
    const n = Math.min(aEnd - aStart, bEnd - bStart);
    for (let i = 0; i < n; i++) {
      const x = a[aStart + i];
      const y = b[bStart + i];
      if (x !== y) return x < y ? -1 : 1;
    }
    const la = aEnd - aStart;
    const lb = bEnd - bStart;
    return la < lb ? -1 : la > lb ? 1 : 0;
  }
  Buffer.concat = function concat(list, totalLength) {
    if (!Array.isArray(list)) throw invalidArgType('list', 'an instance of Array', list);
    if (list.length === 0) return new FastBuffer();
    if (totalLength === undefined) {
      totalLength = 0;
      for (let i = 0; i < list.length; i++) {
        if (!isUint8Array(list[i])) throw invalidArgType('list[' + i + ']', 'an instance of Buffer or Uint8Array', list[i]);
        totalLength += list[i].length;
      }
    } else if (typeof totalLength !== 'number') {
      throw invalidArgType('length', 'of type number', totalLength);
    }
    const buffer = Buffer.allocUnsafe(totalLength);
    let pos = 0;
    for (let i = 0; i < list.length; i++) {
      const buf = list[i];
      if (!isUint8Array(buf)) throw invalidArgType('list[' + i + ']', 'an instance of Buffer or Uint8Array', buf);
      const n = Math.min(buf.length, totalLength - pos);
      if (n <= 0) break;
      Reflect.apply(u8Set, buffer, [Reflect.apply(u8Subarray, buf, [0, n]), pos]);
      pos += n;
    }
    if (pos < totalLength) Reflect.apply(u8Fill, buffer, [0, pos, totalLength]);
    return buffer;
  };

  // Methods are gathered here and defined on Buffer.prototype at the end: several (toString,
  // slice, fill, indexOf…) shadow %TypedArray%.prototype's, and assigning over a frozen
  // intrinsic's property throws in strict code (the override mistake).
  const proto = Object.create(null);

  function toInteger(n, dflt) {
    n = +n;
    if (n !== n) return dflt;
    return Math.trunc(n);
  }

  proto.toString = function toString(encoding, start, end) {
    if (arguments.length === 0) return utf8Slice(this, 0, this.length);
    const len = this.length;
    if (start <= 0) start = 0;
    else if (start >= len) return '';
    else start = toInteger(start, 0);
    if (end === undefined || end > len) end = len;
    else end = toInteger(end, 0);
    if (end <= start) return '';
    const enc = encoding === undefined ? 'utf8' : encodingOf(encoding);
    return slice(this, enc, start, end);
  };
  proto.toLocaleString = proto.toString;

  proto.write = function write(string, offset, length, encoding) {
    if (typeof string !== 'string') throw invalidArgType('argument', 'of type string', string);
    if (offset === undefined) {
      return writeString(this, string, 0, this.length, 'utf8');
    }
    if (length === undefined && typeof offset === 'string') {
      return writeString(this, string, 0, this.length, encodingOf(offset));
    }
    checkOffsetArg(offset, 'offset', 0, this.length);
    const remaining = this.length - offset;
    if (length === undefined) {
      length = remaining;
    } else if (typeof length === 'string') {
      encoding = length;
      length = remaining;
    } else {
      checkOffsetArg(length, 'length', 0, this.length);
      if (length > remaining) length = remaining;
    }
    if (!encoding || encoding === 'utf8' || encoding === 'utf-8') return utf8Write(this, string, offset, length);
    return writeString(this, string, offset, length, encodingOf(encoding));
  };
  function checkOffsetArg(v, name, min, max) {
    if (typeof v !== 'number') throw invalidArgType(name, 'of type number', v);
    if (!Number.isInteger(v)) throw outOfRange(name, 'an integer', v);
    if (v < min || v > max) throw outOfRange(name, '>= ' + min + ' && <= ' + max, v);
  }

  proto.toJSON = function toJSON() {
    return { type: 'Buffer', data: Array.from(this) };
  };
  proto.equals = function equals(other) {
    if (!isUint8Array(other)) throw invalidArgType('otherBuffer', 'an instance of Buffer or Uint8Array', other);
    if (this === other) return true;
    if (this.length !== other.length) return false;
    return compareBytes(this, 0, this.length, other, 0, other.length) === 0;
  };
  proto.compare = function compare(target, targetStart, targetEnd, sourceStart, sourceEnd) {
    if (!isUint8Array(target)) throw invalidArgType('target', 'an instance of Buffer or Uint8Array', target);
    const t0 = targetStart === undefined ? 0 : checkRange(targetStart, 'targetStart', target.length);
    const t1 = targetEnd === undefined ? target.length : checkRange(targetEnd, 'targetEnd', target.length);
    const s0 = sourceStart === undefined ? 0 : checkRange(sourceStart, 'sourceStart', this.length);
    const s1 = sourceEnd === undefined ? this.length : checkRange(sourceEnd, 'sourceEnd', this.length);
    if (s0 >= s1) return t0 >= t1 ? 0 : -1;
    if (t0 >= t1) return 1;
    return compareBytes(this, s0, s1, target, t0, t1);
  };
  function checkRange(v, name, max) {
    if (typeof v !== 'number') throw invalidArgType(name, 'of type number', v);
    if (!Number.isInteger(v)) throw outOfRange(name, 'an integer', v);
    if (v < 0 || v > max) throw outOfRange(name, '>= 0 && <= ' + max, v);
    return v;
  }
  proto.copy = function copy(target, targetStart, sourceStart, sourceEnd) {
    if (!isUint8Array(target)) throw invalidArgType('target', 'an instance of Buffer or Uint8Array', target);
    targetStart = targetStart === undefined ? 0 : toInteger(targetStart, 0);
    if (targetStart < 0) throw outOfRange('targetStart', '>= 0', targetStart);
    sourceStart = sourceStart === undefined ? 0 : toInteger(sourceStart, 0);
    if (sourceStart < 0 || sourceStart > this.length) throw outOfRange('sourceStart', '>= 0 && <= ' + this.length, sourceStart);
    sourceEnd = sourceEnd === undefined ? this.length : toInteger(sourceEnd, 0);
    if (sourceEnd < 0) throw outOfRange('sourceEnd', '>= 0', sourceEnd);
    if (sourceEnd > this.length) sourceEnd = this.length;
    if (targetStart >= target.length || sourceStart >= sourceEnd) return 0;
    const n = Math.min(sourceEnd - sourceStart, target.length - targetStart);
    Reflect.apply(u8Set, target, [Reflect.apply(u8Subarray, this, [sourceStart, sourceStart + n]), targetStart]);
    return n;
  };

  function adjustOffset(offset, length) {
    offset = Math.trunc(offset);
    if (offset === 0 || offset !== offset) return 0;
    if (offset < 0) {
      offset += length;
      return offset > 0 ? offset : 0;
    }
    if (offset < length) return offset;
    return length;
  }
  proto.subarray = function subarray(start, end) {
    const len = this.length;
    const s = start === undefined ? 0 : adjustOffset(start, len);
    const e = end === undefined ? len : adjustOffset(end, len);
    const newLength = e > s ? e - s : 0;
    return new FastBuffer(this.buffer, this.byteOffset + s, newLength);
  };
  proto.slice = proto.subarray;

  function bufFill(buf, value, offset, end, encoding) {
    if (typeof value === 'string') {
      if (typeof offset === 'string') {
        encoding = offset;
        offset = 0;
        end = buf.length;
      } else if (typeof end === 'string') {
        encoding = end;
        end = buf.length;
      }
      const enc = encodingOf(encoding);
      if (value.length === 0) {
        value = 0;
      } else if (value.length === 1 && (enc === 'utf8' || enc === 'latin1' || enc === 'ascii')) {
        const code = value.charCodeAt(0);
        if (code < 128 || enc !== 'utf8') value = code & 0xff;
      }
      if (typeof value === 'string') {
        offset = offset === undefined ? 0 : offset;
        end = end === undefined ? buf.length : end;
        checkRange(offset, 'offset', buf.length);
        checkRange(end, 'end', buf.length);
        const bytes = fromString(value, enc);
        if (bytes.length === 0) throw err(TypeError, 'ERR_INVALID_ARG_VALUE', "The argument 'value' is invalid. Received '" + value + "'");
        for (let i = offset, j = 0; i < end; i++, j = (j + 1) % bytes.length) buf[i] = bytes[j];
        return buf;
      }
    } else if (typeof value === 'boolean') {
      value = Number(value);
    }
    offset = offset === undefined ? 0 : offset;
    end = end === undefined ? buf.length : end;
    checkRange(offset, 'offset', buf.length);
    checkRange(end, 'end', buf.length);
    if (offset >= end) return buf;
    if (isUint8Array(value)) {
      if (value.length === 0) throw err(TypeError, 'ERR_INVALID_ARG_VALUE', "The argument 'value' is invalid. Received " + 'Uint8Array(0) []');
      for (let i = offset, j = 0; i < end; i++, j = (j + 1) % value.length) buf[i] = value[j];
      return buf;
    }
    Reflect.apply(u8Fill, buf, [Number(value) & 255, offset, end]);
    return buf;
  }
  proto.fill = function fill(value, offset, end, encoding) {
    return bufFill(this, value, offset, end, encoding);
  };

  function indexOfImpl(buf, val, byteOffset, encoding, dir) {
    if (typeof byteOffset === 'string') {
      encoding = byteOffset;
      byteOffset = undefined;
    }
    let off = byteOffset === undefined ? (dir ? 0 : buf.length) : +byteOffset;
    if (off !== off) off = dir ? 0 : buf.length;
    off = Math.trunc(off);
    if (off < 0) off += buf.length;
    let needle;
    if (typeof val === 'number') {
      needle = [val >>> 0 & 255];
    } else if (typeof val === 'string') {
      needle = fromString(val, encoding);
    } else if (isUint8Array(val)) {
      needle = val;
    } else {
      throw invalidArgType('value', 'one of type number or string or an instance of Buffer or Uint8Array', val);
    }
    const n = needle.length;
    if (n === 0) {
      if (dir) return off > buf.length ? buf.length : Math.max(0, off);
      return Math.min(Math.max(0, off), buf.length);
    }
    if (dir) {
      for (let i = Math.max(0, off); i + n <= buf.length; i++) {
        let j = 0;
        while (j < n && buf[i + j] === needle[j]) j++;
        if (j === n) return i;
      }
    } else {
      for (let i = Math.min(off, buf.length - n); i >= 0; i--) {
        let j = 0;
        while (j < n && buf[i + j] === needle[j]) j++;
        if (j === n) return i;
      }
    }
    return -1;
  }
  proto.indexOf = function indexOf(val, byteOffset, encoding) {
    return indexOfImpl(this, val, byteOffset, encoding, true);
  };
  proto.lastIndexOf = function lastIndexOf(val, byteOffset, encoding) {
    return indexOfImpl(this, val, byteOffset, encoding, false);
  };
  proto.includes = function includes(val, byteOffset, encoding) {
    return this.indexOf(val, byteOffset, encoding) !== -1;
  };

  function swap(buf, size) {
    if (buf.length % size !== 0) throw err(RangeError, 'ERR_INVALID_BUFFER_SIZE', 'Buffer size must be a multiple of ' + size * 8 + '-bits');
    for (let i = 0; i < buf.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = buf[a];
        buf[a] = buf[b];
        buf[b] = t;
      }
    }
    return buf;
  }
  proto.swap16 = function swap16() {
    return swap(this, 2);
  };
  proto.swap32 = function swap32() {
    return swap(this, 4);
  };
  proto.swap64 = function swap64() {
    return swap(this, 8);
  };

  // Integer and float accessors, with Node's argument checks.
  function readCheck(buf, offset, size) {
    if (offset === undefined) offset = 0;
    checkNumberOffset(offset);
    if (!Number.isInteger(offset)) throw outOfRange('offset', 'an integer', offset);
    if (offset < 0 || offset + size > buf.length) boundsError(offset, buf.length - size);
    return offset;
  }
  function writeCheck(buf, value, offset, size, min, max, range) {
    if (offset === undefined) offset = 0;
    if (typeof value !== 'number' && typeof value !== 'bigint') value = +value;
    if (value > max || value < min) throw outOfRange('value', range, value);
    checkNumberOffset(offset);
    if (!Number.isInteger(offset)) throw outOfRange('offset', 'an integer', offset);
    if (offset < 0 || offset + size > buf.length) boundsError(offset, buf.length - size);
    return offset;
  }
  function dv(buf) {
    return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const INTS = [
    ['UInt8', 1, 'Uint8', false],
    ['UInt16LE', 2, 'Uint16', true],
    ['UInt16BE', 2, 'Uint16', false],
    ['UInt32LE', 4, 'Uint32', true],
    ['UInt32BE', 4, 'Uint32', false],
    ['Int8', 1, 'Int8', false],
    ['Int16LE', 2, 'Int16', true],
    ['Int16BE', 2, 'Int16', false],
    ['Int32LE', 4, 'Int32', true],
    ['Int32BE', 4, 'Int32', false],
  ];
  for (const [name, size, dvName, little] of INTS) {
    const signed = name[0] === 'I';
    const bits = size * 8;
    const min = signed ? -(2 ** (bits - 1)) : 0;
    const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    const range = bits > 31 ? (signed ? '>= -(2 ** ' + (bits - 1) + ') and < 2 ** ' + (bits - 1) : '>= 0 and < 2 ** ' + bits) : '>= ' + min + ' and <= ' + max;
    const get = DataView.prototype['get' + dvName];
    const setter = DataView.prototype['set' + dvName];
    const reader = function (offset) {
      offset = readCheck(this, offset, size);
      return Reflect.apply(get, dv(this), [offset, little]);
    };
    const writer = function (value, offset) {
      offset = writeCheck(this, value, offset, size, min, max, range);
      Reflect.apply(setter, dv(this), [offset, +value, little]);
      return offset + size;
    };
    Object.defineProperty(reader, 'name', { value: 'read' + name });
    Object.defineProperty(writer, 'name', { value: 'write' + name });
    proto['read' + name] = reader;
    proto['write' + name] = writer;
    if (name.startsWith('UInt')) {
      proto['readUint' + name.slice(4)] = reader;
      proto['writeUint' + name.slice(4)] = writer;
    }
  }
  const FLOATS = [
    ['FloatLE', 4, 'Float32', true],
    ['FloatBE', 4, 'Float32', false],
    ['DoubleLE', 8, 'Float64', true],
    ['DoubleBE', 8, 'Float64', false],
  ];
  for (const [name, size, dvName, little] of FLOATS) {
    const get = DataView.prototype['get' + dvName];
    const setter = DataView.prototype['set' + dvName];
    proto['read' + name] = function (offset) {
      offset = readCheck(this, offset, size);
      return Reflect.apply(get, dv(this), [offset, little]);
    };
    proto['write' + name] = function (value, offset) {
      offset = writeCheck(this, value, offset, size, -Infinity, Infinity, '');
      Reflect.apply(setter, dv(this), [offset, +value, little]);
      return offset + size;
    };
  }
  const BIGS = [
    ['BigUInt64LE', 'BigUint64', true, 0n, 2n ** 64n - 1n, '>= 0n and < 2n ** 64n'],
    ['BigUInt64BE', 'BigUint64', false, 0n, 2n ** 64n - 1n, '>= 0n and < 2n ** 64n'],
    ['BigInt64LE', 'BigInt64', true, -(2n ** 63n), 2n ** 63n - 1n, '>= -(2n ** 63n) and < 2n ** 63n'],
    ['BigInt64BE', 'BigInt64', false, -(2n ** 63n), 2n ** 63n - 1n, '>= -(2n ** 63n) and < 2n ** 63n'],
  ];
  for (const [name, dvName, little, min, max, range] of BIGS) {
    const get = DataView.prototype['get' + dvName];
    const setter = DataView.prototype['set' + dvName];
    proto['read' + name] = function (offset) {
      offset = readCheck(this, offset, 8);
      return Reflect.apply(get, dv(this), [offset, little]);
    };
    proto['write' + name] = function (value, offset) {
      if (typeof value !== 'bigint') throw invalidArgType('value', 'of type bigint', value);
      offset = writeCheck(this, value, offset, 8, min, max, range);
      Reflect.apply(setter, dv(this), [offset, value, little]);
      return offset + 8;
    };
    if (name.startsWith('BigUInt')) {
      proto['readBigUint' + name.slice(7)] = proto['read' + name];
      proto['writeBigUint' + name.slice(7)] = proto['write' + name];
    }
  }
  function checkByteLength(byteLength) {
    if (typeof byteLength !== 'number') throw invalidArgType('byteLength', 'of type number', byteLength);
    if (!Number.isInteger(byteLength) || byteLength < 1 || byteLength > 6) throw outOfRange('byteLength', '>= 1 and <= 6', byteLength);
  }
  function readVar(buf, offset, byteLength, little, signed) {
    checkByteLength(byteLength);
    offset = readCheck(buf, offset, byteLength);
    let val = 0;
    let mul = 1;
    for (let i = 0; i < byteLength; i++) {
      val += buf[offset + (little ? i : byteLength - 1 - i)] * mul;
      mul *= 256;
    }
    if (signed && val >= mul / 2) val -= mul;
    return val;
  }
  function writeVar(buf, value, offset, byteLength, little, signed) {
    checkByteLength(byteLength);
    const bits = byteLength * 8;
    const min = signed ? -(2 ** (bits - 1)) : 0;
    const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    const range = bits > 32 ? (signed ? '>= -(2 ** ' + (bits - 1) + ') and < 2 ** ' + (bits - 1) : '>= 0 and < 2 ** ' + bits) : '>= ' + min + ' and <= ' + max;
    offset = writeCheck(buf, value, offset, byteLength, min, max, range);
    let v = Math.trunc(+value);
    if (v < 0) v += 2 ** bits;
    for (let i = 0; i < byteLength; i++) {
      buf[offset + (little ? i : byteLength - 1 - i)] = v % 256;
      v = Math.floor(v / 256);
    }
    return offset + byteLength;
  }
  proto.readUIntLE = function readUIntLE(offset, byteLength) {
    return readVar(this, offset, byteLength, true, false);
  };
  proto.readUIntBE = function readUIntBE(offset, byteLength) {
    return readVar(this, offset, byteLength, false, false);
  };
  proto.readIntLE = function readIntLE(offset, byteLength) {
    return readVar(this, offset, byteLength, true, true);
  };
  proto.readIntBE = function readIntBE(offset, byteLength) {
    return readVar(this, offset, byteLength, false, true);
  };
  proto.writeUIntLE = function writeUIntLE(value, offset, byteLength) {
    return writeVar(this, value, offset, byteLength, true, false);
  };
  proto.writeUIntBE = function writeUIntBE(value, offset, byteLength) {
    return writeVar(this, value, offset, byteLength, false, false);
  };
  proto.writeIntLE = function writeIntLE(value, offset, byteLength) {
    return writeVar(this, value, offset, byteLength, true, true);
  };
  proto.writeIntBE = function writeIntBE(value, offset, byteLength) {
    return writeVar(this, value, offset, byteLength, false, true);
  };
  proto.readUintLE = proto.readUIntLE;
  proto.readUintBE = proto.readUIntBE;
  proto.writeUintLE = proto.writeUIntLE;
  proto.writeUintBE = proto.writeUIntBE;

  Object.defineProperty(proto, 'parent', {
    enumerable: true,
    configurable: true,
    get() {
      return this instanceof Buffer ? this.buffer : undefined;
    },
  });
  Object.defineProperty(proto, 'offset', {
    enumerable: true,
    configurable: true,
    get() {
      return this instanceof Buffer ? this.byteOffset : undefined;
    },
  });

  proto[customInspect] = function inspect(recurseTimes, ctx) {
    const max = INSPECT_MAX_BYTES;
    const actualMax = Math.min(max, this.length);
    const remaining = this.length - max;
    let str = hexSlice(this, 0, actualMax).replace(/(.{2})/g, '$1 ').trim();
    if (remaining > 0) str += ' ... ' + remaining + ' more byte' + (remaining > 1 ? 's' : '');
    return '<' + this.constructor.name + ' ' + str + '>';
  };
  proto.inspect = proto[customInspect];

  for (const k of Reflect.ownKeys(proto)) {
    Object.defineProperty(Buffer.prototype, k, Object.getOwnPropertyDescriptor(proto, k));
  }
  // Last, for the same reason: Buffer.from / Buffer.of shadow %TypedArray%'s.
  Object.setPrototypeOf(Buffer, Uint8Array);

  // ------------------------------------------------------------ globals-like helpers
  function btoa(input) {
    if (arguments.length === 0) throw err(TypeError, 'ERR_MISSING_ARGS', 'The "input" argument must be specified');
    input = String(input);
    for (let i = 0; i < input.length; i++) {
      if (input.charCodeAt(i) > 0xff) {
        const e = new Error('Invalid character');
        Object.defineProperty(e, 'name', { value: 'InvalidCharacterError' });
        throw e;
      }
    }
    return base64Slice(fromString(input, 'latin1'), 0, input.length, false);
  }
  function atob(input) {
    if (arguments.length === 0) throw err(TypeError, 'ERR_MISSING_ARGS', 'The "input" argument must be specified');
    input = String(input).replace(/[\t\n\f\r ]/g, '');
    let n = input.length;
    if (n % 4 === 0 && input.endsWith('==')) n -= 2;
    else if (n % 4 === 0 && input.endsWith('=')) n -= 1;
    const body = input.slice(0, n);
    if (n % 4 === 1 || /[^A-Za-z0-9+/]/.test(body)) {
      const e = new Error('The string to be decoded is not correctly encoded.');
      Object.defineProperty(e, 'name', { value: 'InvalidCharacterError' });
      throw e;
    }
    return latin1Slice(fromString(body, 'base64'), 0, Math.floor((n * 6) / 8), 0xff);
  }
  function isUtf8(input) {
    const b = isAnyArrayBuffer(input) ? new Uint8Array(input) : input;
    if (!ArrayBuffer.isView(b)) throw invalidArgType('input', 'an instance of ArrayBuffer, Buffer, or TypedArray', input);
    const u = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return utf8Slice(u, 0, u.length).indexOf('\ufffd') === -1 || utf8Roundtrips(u);
  }
  function utf8Roundtrips(u) {
    const s = utf8Slice(u, 0, u.length);
    if (utf8Length(s) !== u.length) return false;
    const back = new Uint8Array(u.length);
    utf8Write(back, s, 0, u.length);
    for (let i = 0; i < u.length; i++) if (back[i] !== u[i]) return false;
    return true;
  }
  function isAscii(input) {
    const b = isAnyArrayBuffer(input) ? new Uint8Array(input) : input;
    if (!ArrayBuffer.isView(b)) throw invalidArgType('input', 'an instance of ArrayBuffer, Buffer, or TypedArray', input);
    const u = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < u.length; i++) if (u[i] > 0x7f) return false;
    return true;
  }

  // TextEncoder / TextDecoder (WHATWG), handed to `util` under a symbol.
  class TextEncoder {
    get encoding() {
      return 'utf-8';
    }
    encode(input = '') {
      const s = String(input);
      const out = new Uint8Array(utf8Length(s));
      utf8Write(out, s, 0, out.length);
      return out;
    }
    encodeInto(src, dest) {
      const s = String(src);
      let read = 0;
      let written = 0;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
        const unit = pair ? s.slice(i, i + 2) : s[i];
        const n = utf8Write(dest, unit, written, dest.length - written);
        if (n === 0) break;
        written += n;
        read += unit.length;
        if (pair) i++;
      }
      return { read, written };
    }
  }
  const decoderState = new WeakMap();
  class TextDecoder {
    constructor(encoding = 'utf-8', options = {}) {
      const enc = String(encoding).trim().toLowerCase();
      let norm;
      if (enc === 'utf-8' || enc === 'utf8' || enc === 'unicode-1-1-utf-8') norm = 'utf-8';
      else if (enc === 'utf-16le' || enc === 'utf-16') norm = 'utf-16le';
      else if (enc === 'latin1' || enc === 'iso-8859-1' || enc === 'ascii' || enc === 'us-ascii') norm = 'windows-1252';
      else {
        const e = new RangeError('The "' + encoding + '" encoding is not supported');
        e.code = 'ERR_ENCODING_NOT_SUPPORTED';
        throw e;
      }
      decoderState.set(this, { encoding: norm, fatal: !!(options && options.fatal), ignoreBOM: !!(options && options.ignoreBOM), pending: [] });
    }
    get encoding() {
      return decoderState.get(this).encoding;
    }
    get fatal() {
      return decoderState.get(this).fatal;
    }
    get ignoreBOM() {
      return decoderState.get(this).ignoreBOM;
    }
    decode(input, options) {
      const st = decoderState.get(this);
      if (st === undefined) throw new TypeError('Illegal invocation');
      let bytes;
      if (input === undefined) bytes = new Uint8Array(0);
      else if (isAnyArrayBuffer(input)) bytes = new Uint8Array(input);
      else if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      else throw invalidArgType('input', 'an instance of ArrayBuffer or ArrayBufferView', input);
      const stream = !!(options && options.stream);
      let all = bytes;
      if (st.pending.length > 0) {
        all = new Uint8Array(st.pending.length + bytes.length);
        all.set(st.pending, 0);
        all.set(bytes, st.pending.length);
        st.pending = [];
      }
      let end = all.length;
      if (stream && st.encoding === 'utf-8') {
        // Keep an incomplete trailing sequence for the next call.
        let k = end - 1;
        let back = 0;
        while (k >= 0 && back < 3 && (all[k] & 0xc0) === 0x80) {
          k--;
          back++;
        }
        if (k >= 0) {
          const lead = all[k];
          const need = lead >= 0xf0 && lead <= 0xf4 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc2 && lead <= 0xdf ? 1 : 0;
          if (need > back) end = k;
        }
      } else if (stream && st.encoding === 'utf-16le' && end % 2 === 1) {
        end -= 1;
      }
      if (end < all.length) st.pending = Array.from(all.subarray(end));
      let out;
      if (st.encoding === 'utf-8') out = utf8Slice(all, 0, end);
      else if (st.encoding === 'utf-16le') out = utf16leSlice(all, 0, end) + (!stream && end % 2 === 1 ? '\ufffd' : '');
      else out = latin1Slice(all, 0, end, 0xff);
      if (st.fatal && st.encoding === 'utf-8' && out.indexOf('\ufffd') !== -1 && !utf8Roundtrips(all.subarray(0, end))) {
        const e = new TypeError('The encoded data was not valid for encoding ' + st.encoding);
        e.code = 'ERR_ENCODING_INVALID_ENCODED_DATA';
        throw e;
      }
      if (!st.ignoreBOM && !st.bomSeen && out.charCodeAt(0) === 0xfeff && st.encoding !== 'windows-1252') out = out.slice(1);
      st.bomSeen = stream;
      return out;
    }
  }

  function unsupported(name) {
    return function () {
      throw new Error('buffer.' + name + ' is not supported in sandbox');
    };
  }

  const exports = {
    Buffer,
    SlowBuffer: Buffer.allocUnsafeSlow,
    INSPECT_MAX_BYTES,
    kMaxLength,
    kStringMaxLength,
    constants: { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength },
    atob,
    btoa,
    isUtf8,
    isAscii,
    transcode: unsupported('transcode'),
    resolveObjectURL: unsupported('resolveObjectURL'),
    Blob: unsupported('Blob'),
    File: unsupported('File'),
  };
  Object.defineProperty(exports, Symbol.for('sandbench.text'), {
    value: Object.freeze({ TextEncoder, TextDecoder, utf8Slice, latin1Slice, utf16leSlice, base64Slice, hexSlice, normalizeEncoding }),
  });
  return exports;
});
