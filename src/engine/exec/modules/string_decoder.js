// Host module `string_decoder`: StringDecoder, which decodes a byte stream chunk by chunk
// without splitting a character (utf8, utf16le, base64/base64url, hex, latin1, ascii). Pure JS
// over `buffer`'s decoders.
(function (host, require, module) {
  'use strict';
  const { Buffer } = require('buffer');
  const text = require('buffer')[Symbol.for('sandbench.text')];
  const state = new WeakMap();

  function toBytes(buf) {
    if (typeof buf === 'string') return Buffer.from(buf);
    if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const e = new TypeError('The "buf" argument must be an instance of Buffer, TypedArray, or DataView.' + (buf === undefined ? ' Received undefined' : ''));
    e.code = 'ERR_INVALID_ARG_TYPE';
    throw e;
  }

  // Bytes at the end of `b` that start a UTF-8 character not yet complete.
  function utf8Incomplete(b) {
    const end = b.length;
    let k = end - 1;
    let back = 0;
    while (k >= 0 && back < 3 && (b[k] & 0xc0) === 0x80) {
      k--;
      back++;
    }
    if (k < 0) return 0;
    const lead = b[k];
    const need = lead >= 0xf0 && lead <= 0xf4 ? 3 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xc2 && lead <= 0xdf ? 1 : 0;
    return need > back ? end - k : 0;
  }

  function StringDecoder(encoding) {
    if (!(this instanceof StringDecoder)) return new StringDecoder(encoding);
    const enc = text.normalizeEncoding(encoding);
    if (enc === undefined) {
      const e = new TypeError('Unknown encoding: ' + encoding);
      e.code = 'ERR_UNKNOWN_ENCODING';
      throw e;
    }
    Object.defineProperty(this, 'encoding', { value: enc, enumerable: true, writable: true, configurable: true });
    state.set(this, { pending: new Uint8Array(0) });
  }

  function concat(a, b) {
    if (a.length === 0) return b;
    const out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  }

  function decode(dec, bytes, final) {
    const st = state.get(dec);
    if (st === undefined) throw new TypeError('Illegal invocation');
    const all = concat(st.pending, bytes);
    let keep = 0;
    switch (dec.encoding) {
      case 'utf8':
        keep = final ? 0 : utf8Incomplete(all);
        break;
      case 'utf16le': {
        // Node keeps an odd byte, never half of a surrogate pair.
        keep = final ? 0 : all.length % 2;
        break;
      }
      case 'base64':
      case 'base64url':
        keep = final ? 0 : all.length % 3;
        break;
      default:
        keep = 0;
    }
    st.pending = all.slice(all.length - keep);
    const body = all.subarray(0, all.length - keep);
    if (final) st.pending = new Uint8Array(0);
    switch (dec.encoding) {
      case 'utf8':
        return text.utf8Slice(body, 0, body.length);
      case 'utf16le':
        return text.utf16leSlice(body, 0, body.length);
      case 'base64':
        return text.base64Slice(body, 0, body.length, false);
      case 'base64url':
        return text.base64Slice(body, 0, body.length, true);
      case 'hex':
        return text.hexSlice(body, 0, body.length);
      case 'ascii':
        return text.latin1Slice(body, 0, body.length, 0x7f);
      default:
        return text.latin1Slice(body, 0, body.length, 0xff);
    }
  }

  StringDecoder.prototype.write = function write(buf) {
    if (typeof buf === 'string') return buf;
    return decode(this, toBytes(buf), false);
  };
  StringDecoder.prototype.end = function end(buf) {
    let out = '';
    if (buf !== undefined) out = this.write(buf);
    return out + decode(this, new Uint8Array(0), true);
  };
  StringDecoder.prototype.text = function text_(buf, offset) {
    return this.write(toBytes(buf).subarray(offset));
  };
  Object.defineProperty(StringDecoder.prototype, 'lastNeed', {
    configurable: true,
    enumerable: true,
    get() {
      const st = state.get(this);
      return st ? st.pending.length : 0;
    },
  });
  return { StringDecoder };
});
