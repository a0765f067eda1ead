// Host module `crypto`: createHash / createHmac (md5, sha1, sha224, sha256, sha384, sha512,
// computed by the host: `host.hash`, `host.hmac`), randomBytes, randomFill(Sync), randomInt,
// randomUUID and getRandomValues (the OS random source: `host.randomFill`),
// timingSafeEqual (`host.timingSafeEqual`), getHashes, and `webcrypto.getRandomValues` /
// `randomUUID`. Everything else (ciphers, keys, signatures, subtle) throws "not supported in
// sandbox".
(function (host, require, module) {
  'use strict';
  const { Buffer } = require('buffer');
  const { hash: hostHash, hmac: hostHmac, randomFill: hostFill, timingSafeEqual: hostEqual } = host;
  const HASHES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
  const ALIASES = { 'sha-1': 'sha1', 'sha-224': 'sha224', 'sha-256': 'sha256', 'sha-384': 'sha384', 'sha-512': 'sha512' };
  const MAX_FILL = 65536;

  function codeError(Ctor, code, message) {
    const e = new Ctor(message);
    e.code = code;
    return e;
  }
  function invalidArg(name, what, v) {
    let r;
    if (v == null) r = String(v);
    else if (typeof v === 'object') r = 'an instance of ' + ((v.constructor && v.constructor.name) || 'Object');
    else r = 'type ' + typeof v + ' (' + (typeof v === 'string' ? "'" + v + "'" : String(v)) + ')';
    return codeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "' + name + '" argument must be ' + what + '. Received ' + r);
  }
  function algorithm(name) {
    if (typeof name !== 'string') throw invalidArg('algorithm', 'of type string', name);
    const lower = name.toLowerCase();
    const alg = ALIASES[lower] || lower;
    if (!HASHES.includes(alg)) {
      // OpenSSL's words, as Node reports them.
      const e = new Error('error:0308010C:digital envelope routines::unsupported');
      e.code = 'ERR_OSSL_EVP_UNSUPPORTED';
      throw e;
    }
    return alg;
  }
  // Data for update(): strings in an encoding, or any ArrayBufferView / ArrayBuffer.
  function toBytes(data, encoding, name) {
    if (typeof data === 'string') return Buffer.from(data, encoding || 'utf8');
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    throw invalidArg(name || 'data', 'of type string or an instance of Buffer, TypedArray, or DataView', data);
  }
  function concat(chunks, total) {
    const out = new Uint8Array(total);
    let p = 0;
    for (const c of chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }
  function output(bytes, encoding) {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (encoding === undefined || encoding === 'buffer') return buf;
    return buf.toString(encoding);
  }

  // Hash and Hmac keep their input in the sandbox and compute once, at digest().
  const state = new WeakMap();
  function stateOf(obj) {
    const st = state.get(obj);
    if (st === undefined) throw new TypeError('Illegal invocation');
    return st;
  }
  class Hash {
    constructor(alg, options) {
      if (options && options.outputLength !== undefined) throw new Error('crypto.createHash outputLength is not supported in sandbox');
      state.set(this, { alg: algorithm(alg), chunks: [], total: 0, done: false, key: null });
    }
    update(data, encoding) {
      const st = stateOf(this);
      if (st.done) throw codeError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
      const bytes = toBytes(data, encoding);
      st.chunks.push(bytes.slice());
      st.total += bytes.length;
      return this;
    }
    digest(encoding) {
      const st = stateOf(this);
      if (st.done) throw codeError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
      st.done = true;
      const data = concat(st.chunks, st.total);
      st.chunks = [];
      const out = st.key === null ? hostHash(st.alg, data) : hostHmac(st.alg, st.key, data);
      return output(out, encoding);
    }
    copy() {
      const st = stateOf(this);
      if (st.done) throw codeError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
      const h = Object.create(Object.getPrototypeOf(this));
      state.set(h, { alg: st.alg, chunks: st.chunks.slice(), total: st.total, done: false, key: st.key });
      return h;
    }
  }
  class Hmac {
    constructor(alg, key, options) {
      void options;
      const a = algorithm(alg);
      let k;
      if (typeof key === 'string') k = Buffer.from(key, 'utf8');
      else if (key instanceof ArrayBuffer || ArrayBuffer.isView(key)) k = toBytes(key, undefined, 'key');
      else if (key && typeof key === 'object' && key.type === 'secret') throw new Error('crypto KeyObject is not supported in sandbox');
      else throw invalidArg('key', 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, KeyObject, or CryptoKey', key);
      state.set(this, { alg: a, chunks: [], total: 0, done: false, key: new Uint8Array(k) });
    }
    update(data, encoding) {
      return Hash.prototype.update.call(this, data, encoding);
    }
    digest(encoding) {
      const st = stateOf(this);
      if (st.done) return output(new Uint8Array(0), encoding);
      return Hash.prototype.digest.call(this, encoding);
    }
  }

  function createHash(alg, options) {
    return new Hash(alg, options);
  }
  function createHmac(alg, key, options) {
    return new Hmac(alg, key, options);
  }
  function hash(alg, data, outputEncoding = 'hex') {
    return createHash(alg).update(data).digest(outputEncoding);
  }

  // Fills a Uint8Array view in chunks the host accepts.
  function fillView(u8) {
    for (let off = 0; off < u8.length; off += MAX_FILL) {
      hostFill(u8.subarray(off, Math.min(u8.length, off + MAX_FILL)));
    }
  }
  function checkSize(size) {
    if (typeof size !== 'number') throw invalidArg('size', 'of type number', size);
    if (!(size >= 0 && size <= 2 ** 31 - 1) || !Number.isInteger(size)) {
      throw codeError(RangeError, 'ERR_OUT_OF_RANGE', 'The value of "size" is out of range. It must be >= 0 && <= 2147483647. Received ' + size);
    }
  }
  function randomBytes(size, cb) {
    checkSize(size);
    const buf = Buffer.alloc(size);
    fillView(buf);
    if (typeof cb === 'function') {
      Promise.resolve().then(() => cb(null, buf));
      return undefined;
    }
    return buf;
  }
  function viewOf(buf) {
    if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
    if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    throw invalidArg('buf', 'an instance of ArrayBuffer or ArrayBufferView', buf);
  }
  function randomFillSync(buf, offset = 0, size) {
    const u8 = viewOf(buf);
    const elt = ArrayBuffer.isView(buf) && buf.BYTES_PER_ELEMENT ? buf.BYTES_PER_ELEMENT : 1;
    const start = offset * elt;
    const end = size === undefined ? u8.length : start + size * elt;
    if (start < 0 || start > u8.length || end > u8.length || end < start) {
      throw codeError(RangeError, 'ERR_OUT_OF_RANGE', 'The value of "offset" is out of range.');
    }
    fillView(u8.subarray(start, end));
    return buf;
  }
  function randomFill(buf, offset, size, cb) {
    if (typeof offset === 'function') {
      cb = offset;
      offset = 0;
      size = undefined;
    } else if (typeof size === 'function') {
      cb = size;
      size = undefined;
    }
    if (typeof cb !== 'function') throw invalidArg('callback', 'of type function', cb);
    randomFillSync(buf, offset, size);
    Promise.resolve().then(() => cb(null, buf));
  }
  function randomInt(min, max, cb) {
    if (max === undefined || typeof max === 'function') {
      cb = max;
      max = min;
      min = 0;
    }
    if (!Number.isSafeInteger(min)) throw invalidArg('min', 'a safe integer', min);
    if (!Number.isSafeInteger(max)) throw invalidArg('max', 'a safe integer', max);
    if (max <= min) {
      throw codeError(RangeError, 'ERR_OUT_OF_RANGE', 'The value of "max" is out of range. It must be greater than the value of "min" (' + min + '). Received ' + max);
    }
    const range = max - min;
    if (range > 2 ** 48 - 1) {
      throw codeError(RangeError, 'ERR_OUT_OF_RANGE', 'The value of "max - min" is out of range. It must be <= 281474976710655. Received ' + range);
    }
    // Rejection sampling over 48 random bits: uniform, as Node's is.
    const limit = 2 ** 48 - (2 ** 48 % range);
    const b = new Uint8Array(6);
    let x;
    do {
      fillView(b);
      x = ((b[0] * 256 + b[1]) * 256 + b[2]) * 2 ** 24 + ((b[3] * 256 + b[4]) * 256 + b[5]);
    } while (x >= limit);
    const n = min + (x % range);
    if (typeof cb === 'function') {
      Promise.resolve().then(() => cb(null, n));
      return undefined;
    }
    return n;
  }
  function randomUUID(options) {
    void options;
    const b = new Uint8Array(16);
    fillView(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Buffer.from(b.buffer).toString('hex');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  const INTEGER_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];
  const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
  function getRandomValues(array) {
    const tag = ArrayBuffer.isView(array) ? Reflect.apply(typedArrayTag, array, []) : undefined;
    if (!INTEGER_ARRAYS.includes(tag)) {
      const e = new TypeError('The data argument must be an integer-type TypedArray');
      e.code = 17;
      Object.defineProperty(e, 'name', { value: 'TypeMismatchError' });
      throw e;
    }
    if (array.byteLength > MAX_FILL) {
      const e = new RangeError('The requested length exceeds 65,536 bytes');
      e.code = 22;
      Object.defineProperty(e, 'name', { value: 'QuotaExceededError' });
      throw e;
    }
    fillView(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  }
  function timingSafeEqual(a, b) {
    if (!(a instanceof ArrayBuffer) && !ArrayBuffer.isView(a)) throw invalidArg('buf1', 'an instance of ArrayBuffer, Buffer, TypedArray, or DataView', a);
    if (!(b instanceof ArrayBuffer) && !ArrayBuffer.isView(b)) throw invalidArg('buf2', 'an instance of ArrayBuffer, Buffer, TypedArray, or DataView', b);
    const x = viewOf(a);
    const y = viewOf(b);
    if (x.length !== y.length) {
      throw codeError(RangeError, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'Input buffers must have the same byte length');
    }
    return hostEqual(x, y);
  }

  function unsupported(name) {
    return function () {
      throw new Error('crypto.' + name + ' is not supported in sandbox');
    };
  }
  const webcrypto = Object.freeze({
    getRandomValues,
    randomUUID,
    get subtle() {
      throw new Error('crypto.subtle is not supported in sandbox');
    },
  });

  const exports = {
    createHash,
    createHmac,
    hash,
    Hash: createHash,
    Hmac: createHmac,
    getHashes: () => HASHES.slice(),
    getCiphers: () => [],
    getCurves: () => [],
    randomBytes,
    pseudoRandomBytes: randomBytes,
    prng: randomBytes,
    rng: randomBytes,
    randomFill,
    randomFillSync,
    randomInt,
    randomUUID,
    getRandomValues,
    timingSafeEqual,
    webcrypto,
    constants: {},
  };
  for (const name of [
    'createCipheriv',
    'createDecipheriv',
    'createSign',
    'createVerify',
    'createECDH',
    'createDiffieHellman',
    'createDiffieHellmanGroup',
    'getDiffieHellman',
    'createPrivateKey',
    'createPublicKey',
    'createSecretKey',
    'generateKeyPair',
    'generateKeyPairSync',
    'generateKey',
    'generateKeySync',
    'generatePrime',
    'generatePrimeSync',
    'checkPrime',
    'checkPrimeSync',
    'pbkdf2',
    'pbkdf2Sync',
    'scrypt',
    'scryptSync',
    'hkdf',
    'hkdfSync',
    'sign',
    'verify',
    'publicEncrypt',
    'privateDecrypt',
    'privateEncrypt',
    'publicDecrypt',
    'diffieHellman',
    'secureHeapUsed',
    'setEngine',
    'setFips',
    'getFips',
    'X509Certificate',
    'KeyObject',
    'Certificate',
    'Cipher',
    'Decipher',
    'Cipheriv',
    'Decipheriv',
    'Sign',
    'Verify',
    'ECDH',
    'DiffieHellman',
    'DiffieHellmanGroup',
  ]) {
    exports[name] = unsupported(name);
  }
  Object.defineProperty(exports, 'subtle', {
    enumerable: true,
    get() {
      throw new Error('crypto.subtle is not supported in sandbox');
    },
  });
  return exports;
});
