// `fetch` and its classes for a run granted the network (the host-module contract's form:
// called with `host`, the sandbox's `require` and `{ name }`). The request is performed by the
// host's broker, which checks every URL, redirect and resolved address against the grants and
// caps sizes and time; nothing here decides what may be reached. A WHATWG subset: Request,
// Response, Headers, text(), json(), arrayBuffer(), bytes(), AbortController, AbortSignal
// (abort(), timeout(ms): enforced by the host on the request it is given to; there are no
// timers in the sandbox, so a timeout signal fires only through a request).
(function (host, require, module) {
  'use strict';
  const { fetch: start, abort: hostAbort, decode, encode, where } = host;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const PromiseCtor = Promise;
  const { parse: JSONParse, stringify: JSONStringify } = JSON;
  const U8 = Uint8Array;
  const AB = ArrayBuffer;

  const defineProperty = Object.defineProperty;

  // Defined, not assigned: under the strict profile Error.prototype is frozen, and assigning
  // `name` to an instance would throw (the override mistake).
  class DOMException extends ErrorCtor {
    constructor(message, name) {
      super(message === undefined ? '' : String(message));
      defineProperty(this, 'name', {
        value: name === undefined ? 'Error' : String(name),
        writable: true,
        configurable: true,
      });
    }
  }

  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

  function normName(name) {
    const n = String(name);
    if (!TOKEN.test(n)) throw new TypeErrorCtor("Headers: '" + n + "' is not a valid header name");
    return n.toLowerCase();
  }
  function normValue(value) {
    const v = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    if (/[\0\r\n]/.test(v)) throw new TypeErrorCtor('Headers: invalid header value');
    return v;
  }

  class Headers {
    #list = [];
    constructor(init) {
      if (init === undefined || init === null) return;
      if (init instanceof Headers) {
        init.forEach((v, k) => this.append(k, v));
      } else if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = Array.from(pair);
          if (p.length !== 2) throw new TypeErrorCtor('Headers: each header must be a [name, value] pair');
          this.append(p[0], p[1]);
        }
      } else if (typeof init === 'object') {
        for (const k of Object.keys(init)) this.append(k, init[k]);
      } else {
        throw new TypeErrorCtor('Headers: cannot be built from ' + typeof init);
      }
    }
    append(name, value) {
      this.#list.push([normName(name), normValue(value)]);
    }
    set(name, value) {
      const n = normName(name);
      const v = normValue(value);
      this.#list = this.#list.filter((e) => e[0] !== n);
      this.#list.push([n, v]);
    }
    delete(name) {
      const n = normName(name);
      this.#list = this.#list.filter((e) => e[0] !== n);
    }
    get(name) {
      const n = normName(name);
      const vals = this.#list.filter((e) => e[0] === n).map((e) => e[1]);
      return vals.length ? vals.join(', ') : null;
    }
    getSetCookie() {
      return this.#list.filter((e) => e[0] === 'set-cookie').map((e) => e[1]);
    }
    has(name) {
      const n = normName(name);
      return this.#list.some((e) => e[0] === n);
    }
    #combined() {
      const names = [];
      for (const e of this.#list) if (!names.includes(e[0])) names.push(e[0]);
      names.sort();
      const out = [];
      for (const n of names) {
        if (n === 'set-cookie') {
          for (const v of this.getSetCookie()) out.push([n, v]);
        } else {
          out.push([n, this.get(n)]);
        }
      }
      return out;
    }
    forEach(cb, thisArg) {
      for (const [k, v] of this.#combined()) cb.call(thisArg, v, k, this);
    }
    *entries() {
      yield* this.#combined();
    }
    *keys() {
      for (const e of this.#combined()) yield e[0];
    }
    *values() {
      for (const e of this.#combined()) yield e[1];
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    get [Symbol.toStringTag]() {
      return 'Headers';
    }
    // The raw pairs, for the host.
    static _pairs(h) {
      return h.#list.map((e) => [e[0], e[1]]);
    }
  }

  // Body bytes from what a Request or Response may be built with; [bytes, content type].
  function extractBody(body) {
    if (body === undefined || body === null) return [null, null];
    if (typeof body === 'string') return [encode(body), 'text/plain;charset=UTF-8'];
    if (body instanceof AB) return [new U8(body.slice(0)), null];
    if (AB.isView(body)) {
      return [new U8(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), null];
    }
    if (typeof body === 'object' && typeof body.append === 'function' && typeof body.toString === 'function' && String(body.constructor && body.constructor.name) === 'URLSearchParams') {
      return [encode(body.toString()), 'application/x-www-form-urlencoded;charset=UTF-8'];
    }
    throw new TypeErrorCtor('fetch: this body type is not supported in sandbox (use a string, ArrayBuffer or typed array)');
  }

  function unusable() {
    return PromiseCtor.reject(new TypeErrorCtor('Body is unusable: Body has already been read'));
  }

  class Body {
    #bytes = null;
    #used = false;
    _setBody(bytes) {
      this.#bytes = bytes;
    }
    _bytes() {
      return this.#bytes;
    }
    get body() {
      return this.#bytes === null ? null : new U8(this.#bytes);
    }
    get bodyUsed() {
      return this.#used;
    }
    #take() {
      if (this.#used) return null;
      this.#used = true;
      return this.#bytes === null ? new U8(0) : this.#bytes;
    }
    arrayBuffer() {
      const b = this.#take();
      if (b === null) return unusable();
      return PromiseCtor.resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    }
    bytes() {
      const b = this.#take();
      if (b === null) return unusable();
      return PromiseCtor.resolve(new U8(b));
    }
    text() {
      const b = this.#take();
      if (b === null) return unusable();
      return PromiseCtor.resolve(decode(b));
    }
    json() {
      const b = this.#take();
      if (b === null) return unusable();
      return PromiseCtor.resolve().then(() => JSONParse(decode(b)));
    }
    blob() {
      return PromiseCtor.reject(new TypeErrorCtor('Body.blob() is not supported in sandbox'));
    }
    formData() {
      return PromiseCtor.reject(new TypeErrorCtor('Body.formData() is not supported in sandbox'));
    }
  }

  const internals = new WeakMap();

  class AbortSignal {
    #aborted = false;
    #reason = undefined;
    #listeners = [];
    constructor(key) {
      if (key !== internals) throw new TypeErrorCtor('Illegal constructor');
      this.onabort = null;
    }
    get aborted() {
      return this.#aborted;
    }
    get reason() {
      return this.#reason;
    }
    throwIfAborted() {
      if (this.#aborted) throw this.#reason;
    }
    addEventListener(type, fn) {
      if (type === 'abort' && typeof fn === 'function') this.#listeners.push(fn);
    }
    removeEventListener(type, fn) {
      if (type === 'abort') this.#listeners = this.#listeners.filter((f) => f !== fn);
    }
    _fire(reason) {
      if (this.#aborted) return;
      this.#aborted = true;
      this.#reason = reason;
      const event = { type: 'abort', target: this };
      if (typeof this.onabort === 'function') this.onabort(event);
      const ls = this.#listeners;
      this.#listeners = [];
      for (const f of ls) f.call(this, event);
    }
    static abort(reason) {
      const s = new AbortSignal(internals);
      s._fire(reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason);
      return s;
    }
    static timeout(ms) {
      const n = Number(ms);
      if (!(n >= 0) || n > Number.MAX_SAFE_INTEGER) throw new RangeErrorCtor('AbortSignal.timeout: ms must be a non-negative number');
      const s = new AbortSignal(internals);
      internals.set(s, Math.floor(n));
      return s;
    }
    static any(signals) {
      const s = new AbortSignal(internals);
      let timeout;
      for (const x of signals) {
        if (x.aborted) {
          s._fire(x.reason);
          return s;
        }
        x.addEventListener('abort', () => s._fire(x.reason));
        const t = internals.get(x);
        if (t !== undefined && (timeout === undefined || t < timeout)) timeout = t;
      }
      if (timeout !== undefined) internals.set(s, timeout);
      return s;
    }
    get [Symbol.toStringTag]() {
      return 'AbortSignal';
    }
  }

  class AbortController {
    #signal = new AbortSignal(internals);
    get signal() {
      return this.#signal;
    }
    abort(reason) {
      this.#signal._fire(reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason);
    }
  }

  const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH'];

  class Request extends Body {
    #url;
    #method;
    #headers;
    #signal;
    #redirect;
    constructor(input, init) {
      super();
      const opts = init === undefined || init === null ? {} : init;
      let base = null;
      if (input instanceof Request) {
        base = input;
        this.#url = input.url;
      } else {
        this.#url = String(input);
      }
      let method = opts.method !== undefined ? String(opts.method) : base ? base.method : 'GET';
      if (METHODS.includes(method.toUpperCase())) method = method.toUpperCase();
      this.#method = method;
      this.#headers = new Headers(opts.headers !== undefined ? opts.headers : base ? base.headers : undefined);
      this.#signal = opts.signal !== undefined && opts.signal !== null ? opts.signal : base ? base.signal : null;
      this.#redirect = opts.redirect !== undefined ? String(opts.redirect) : base ? base.redirect : 'follow';
      if (!['follow', 'error', 'manual'].includes(this.#redirect)) {
        throw new TypeErrorCtor("Request: redirect must be 'follow', 'error' or 'manual'");
      }
      let bytes = null;
      if (opts.body !== undefined && opts.body !== null) {
        if (method === 'GET' || method === 'HEAD') throw new TypeErrorCtor('Request with GET/HEAD method cannot have body.');
        const [b, type] = extractBody(opts.body);
        bytes = b;
        if (type !== null && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
      } else if (base) {
        bytes = base._bytes();
      }
      this._setBody(bytes);
    }
    get url() {
      return this.#url;
    }
    get method() {
      return this.#method;
    }
    get headers() {
      return this.#headers;
    }
    get signal() {
      return this.#signal;
    }
    get redirect() {
      return this.#redirect;
    }
    clone() {
      if (this.bodyUsed) throw new TypeErrorCtor('Request.clone: Body has already been read');
      return new Request(this);
    }
    get [Symbol.toStringTag]() {
      return 'Request';
    }
  }

  class Response extends Body {
    #status;
    #statusText;
    #headers;
    #url;
    #redirected;
    #type;
    constructor(body, init) {
      super();
      const opts = init === undefined || init === null ? {} : init;
      const status = opts.status === undefined ? 200 : Number(opts.status);
      if (!(status >= 200 && status <= 599) || Math.floor(status) !== status) {
        throw new RangeErrorCtor('Response: status must be an integer from 200 to 599');
      }
      this.#status = status;
      this.#statusText = opts.statusText === undefined ? '' : String(opts.statusText);
      this.#headers = new Headers(opts.headers);
      this.#url = '';
      this.#redirected = false;
      this.#type = 'default';
      const [bytes, type] = extractBody(body);
      if (type !== null && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
      this._setBody(bytes);
    }
    get status() {
      return this.#status;
    }
    get ok() {
      return this.#status >= 200 && this.#status <= 299;
    }
    get statusText() {
      return this.#statusText;
    }
    get headers() {
      return this.#headers;
    }
    get url() {
      return this.#url;
    }
    get redirected() {
      return this.#redirected;
    }
    get type() {
      return this.#type;
    }
    clone() {
      if (this.bodyUsed) throw new TypeErrorCtor('Response.clone: Body has already been read');
      const r = new Response(null, { status: 200, headers: this.#headers });
      r._adopt(this.#status, this.#statusText, this.#url, this.#redirected, this.#type, this._bytes());
      return r;
    }
    _adopt(status, statusText, url, redirected, type, bytes) {
      this.#status = status;
      this.#statusText = statusText;
      this.#url = url;
      this.#redirected = redirected;
      this.#type = type;
      this._setBody(bytes);
    }
    static json(data, init) {
      const r = new Response(JSONStringify(data), init);
      r.headers.set('content-type', 'application/json');
      return r;
    }
    static error() {
      const r = new Response(null, { status: 200 });
      r._adopt(0, '', '', false, 'error', null);
      return r;
    }
    static redirect(url, status) {
      const s = status === undefined ? 302 : status;
      if (![301, 302, 303, 307, 308].includes(s)) throw new RangeErrorCtor('Response.redirect: invalid status');
      return new Response(null, { status: s, headers: { location: String(url) } });
    }
    get [Symbol.toStringTag]() {
      return 'Response';
    }
  }

  // From the host's plain answer.
  function responseOf(r) {
    const res = new Response(null, { status: 200, headers: r.headers });
    res._adopt(r.status, r.statusText, r.url, r.redirected, 'basic', r.body);
    return res;
  }

  // The host's failure as the error a fetch rejects with.
  function errorOf(f) {
    if (f.code === 'TimeoutError') return new DOMException(f.message, 'TimeoutError');
    const e = new TypeErrorCtor(f.message);
    e.code = f.code;
    return e;
  }

  function fetch(input, init) {
    return new PromiseCtor((resolve, reject) => {
      const req = new Request(input, init);
      const signal = req.signal;
      if (signal && signal.aborted) {
        reject(signal.reason);
        return;
      }
      const r = start({
        url: req.url,
        method: req.method,
        headers: Headers._pairs(req.headers),
        body: req._bytes(),
        redirect: req.redirect,
        timeoutMs: signal ? internals.get(signal) : undefined,
      }, where);
      const id = r[0];
      let done = false;
      const onAbort = () => {
        if (done) return;
        done = true;
        hostAbort(id);
        reject(signal.reason);
      };
      if (signal) signal.addEventListener('abort', onAbort);
      // Whatever happens in these handlers, the fetch settles.
      r[1].then(
        (answer) => {
          if (done) return;
          done = true;
          try {
            if (signal) signal.removeEventListener('abort', onAbort);
            resolve(responseOf(answer));
          } catch (e) {
            reject(e);
          }
        },
        (failure) => {
          if (done) return;
          done = true;
          try {
            if (signal) signal.removeEventListener('abort', onAbort);
            const e = errorOf(failure);
            if (signal && e.name === 'TimeoutError') {
              signal._fire(e);
              reject(signal.reason);
              return;
            }
            reject(e);
          } catch (e) {
            reject(e);
          }
        },
      );
    });
  }

  return { fetch, Request, Response, Headers, AbortController, AbortSignal, DOMException };
});
