// Host module `stream`: Readable, Writable, Duplex, Transform and PassThrough enough for the
// common idioms (push / read, 'data' / 'end' / 'finish' / 'drain' / 'error' / 'close',
// pause / resume, pipe with back-pressure, objectMode, setEncoding, async iteration,
// Readable.from, pipeline, finished and their promise forms). Node's process.nextTick
// becomes a microtask (a sandbox has no other queue), so event order within a tick can differ
// from Node's; results and end states do not. Pure JS over `events`.
(function (host, require, module) {
  'use strict';
  const EE = require('events');
  const { Buffer } = require('buffer');
  const { StringDecoder } = require('string_decoder');
  const nextTick = (fn, ...args) => {
    Promise.resolve().then(() => fn(...args));
  };

  function codeError(Ctor, code, message) {
    const e = new Ctor(message);
    e.code = code;
    return e;
  }

  // Legacy base: an EventEmitter with pipe.
  function Stream(opts) {
    EE.call(this, opts);
  }
  Object.setPrototypeOf(Stream.prototype, EE.prototype);
  Object.setPrototypeOf(Stream, EE);

  function chunkLength(st, chunk) {
    return st.objectMode ? 1 : chunk.length;
  }
  function toChunk(st, chunk, encoding) {
    if (st.objectMode) return chunk;
    if (typeof chunk === 'string') return Buffer.from(chunk, encoding || st.defaultEncoding || 'utf8');
    if (chunk instanceof Uint8Array) return chunk instanceof Buffer ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    throw codeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "chunk" argument must be of type string or an instance of Buffer or Uint8Array.' + (chunk === undefined ? ' Received undefined' : ''));
  }

  // ---------------------------------------------------------------- Readable
  function Readable(options) {
    if (!(this instanceof Readable)) return new Readable(options);
    Stream.call(this, options);
    const o = options || {};
    const objectMode = !!(o.objectMode || o.readableObjectMode);
    this._readableState = {
      objectMode,
      highWaterMark: o.highWaterMark !== undefined ? o.highWaterMark : o.readableHighWaterMark !== undefined ? o.readableHighWaterMark : objectMode ? 16 : 16 * 1024,
      buffer: [],
      length: 0,
      ended: false,
      endEmitted: false,
      flowing: null,
      reading: false,
      sync: false,
      flowScheduled: false,
      decoder: null,
      encoding: null,
      destroyed: false,
      closed: false,
      errored: null,
      autoDestroy: o.autoDestroy !== false,
      emitClose: o.emitClose !== false,
      readableListening: false,
    };
    if (typeof o.read === 'function') this._read = o.read;
    if (typeof o.destroy === 'function') this._destroy = o.destroy;
    if (typeof o.construct === 'function') throw new Error('stream construct() is not supported in sandbox');
    if (o.encoding) this.setEncoding(o.encoding);
  }
  Object.setPrototypeOf(Readable.prototype, Stream.prototype);
  Object.setPrototypeOf(Readable, Stream);

  Readable.prototype._read = function _read() {
    throw codeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _read() method is not implemented');
  };

  Readable.prototype.push = function push(chunk, encoding) {
    const st = this._readableState;
    if (chunk === null) {
      st.reading = false;
      if (!st.ended) {
        st.ended = true;
        if (st.decoder) {
          const rest = st.decoder.end();
          if (rest.length) {
            st.buffer.push(rest);
            st.length += st.objectMode ? 1 : rest.length;
          }
        }
        scheduleFlow(this);
      }
      return false;
    }
    if (st.ended) {
      const e = codeError(Error, 'ERR_STREAM_PUSH_AFTER_EOF', 'stream.push() after EOF');
      destroyImpl(this, e);
      return false;
    }
    if (st.destroyed) return false;
    st.reading = false;
    if (!st.objectMode && typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
      destroyImpl(this, codeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "chunk" argument must be of type string or an instance of Buffer or Uint8Array'));
      return false;
    }
    let c = chunk;
    if (st.decoder && !st.objectMode) {
      c = st.decoder.write(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
      if (c.length === 0) return st.length < st.highWaterMark;
    } else if (!st.objectMode) {
      c = toChunk(st, chunk, encoding);
    }
    if (!st.objectMode && c.length === 0) return st.length < st.highWaterMark;
    st.buffer.push(c);
    st.length += chunkLength(st, c);
    scheduleFlow(this);
    return st.length < st.highWaterMark;
  };
  Readable.prototype.unshift = function unshift(chunk, encoding) {
    const st = this._readableState;
    const c = st.objectMode ? chunk : toChunk(st, chunk, encoding);
    st.buffer.unshift(c);
    st.length += chunkLength(st, c);
    return st.length < st.highWaterMark;
  };

  function takeAll(st) {
    if (st.buffer.length === 0) return null;
    let out;
    if (st.objectMode) out = st.buffer.shift();
    else if (st.decoder) out = st.buffer.join('');
    else out = st.buffer.length === 1 ? st.buffer[0] : Buffer.concat(st.buffer);
    if (st.objectMode) st.length -= 1;
    else {
      st.buffer = [];
      st.length = 0;
    }
    return out;
  }
  function takeN(st, n) {
    if (st.objectMode || n === undefined || n >= st.length) return takeAll(st);
    if (st.decoder) {
      const all = st.buffer.join('');
      st.buffer = [all.slice(n)];
      st.length -= n;
      return all.slice(0, n);
    }
    const all = Buffer.concat(st.buffer);
    st.buffer = [all.subarray(n)];
    st.length -= n;
    return all.subarray(0, n);
  }

  function callRead(stream) {
    const st = stream._readableState;
    if (st.ended || st.reading || st.destroyed) return;
    st.reading = true;
    try {
      stream._read(st.highWaterMark);
    } catch (e) {
      destroyImpl(stream, e);
    }
  }

  Readable.prototype.read = function read(n) {
    const st = this._readableState;
    if (n === 0) {
      if (st.length < st.highWaterMark) callRead(this);
      return null;
    }
    if (st.length === 0 && !st.ended) {
      callRead(this);
    }
    if (n !== undefined && !st.objectMode && n > st.length && !st.ended) {
      callRead(this);
      return null;
    }
    const chunk = takeN(st, n);
    if (chunk !== null) this.emit('data', chunk);
    if (st.length < st.highWaterMark && !st.ended) nextTick(() => callRead(this));
    if (st.ended && st.length === 0) scheduleFlow(this);
    return chunk;
  };

  function scheduleFlow(stream) {
    const st = stream._readableState;
    if (st.flowScheduled) return;
    st.flowScheduled = true;
    nextTick(flow, stream);
  }
  function flow(stream) {
    const st = stream._readableState;
    st.flowScheduled = false;
    if (st.destroyed) return;
    if (st.flowing === true) {
      while (st.flowing === true && st.buffer.length > 0) {
        const chunk = st.objectMode ? st.buffer.shift() : st.buffer.shift();
        st.length -= chunkLength(st, chunk);
        stream.emit('data', chunk);
      }
    } else if (st.readableListening && (st.buffer.length > 0 || st.ended)) {
      stream.emit('readable');
    }
    if (st.ended && st.length === 0) {
      endReadable(stream);
      return;
    }
    if (st.flowing === true && st.buffer.length === 0) {
      callRead(stream);
      if (st.buffer.length > 0 || st.ended) scheduleFlow(stream);
    }
  }
  function endReadable(stream) {
    const st = stream._readableState;
    if (st.endEmitted) return;
    if (st.flowing === false && !st.readableListening && stream.listenerCount('end') === 0) return;
    if (st.flowing !== true && !st.readableListening) return;
    st.endEmitted = true;
    stream.emit('end');
    const ws = stream._writableState;
    if (st.autoDestroy && (!ws || ws.finished || ws.autoDestroy === false)) destroyImpl(stream);
  }

  Readable.prototype.on = function on(ev, fn) {
    const res = Stream.prototype.on.call(this, ev, fn);
    const st = this._readableState;
    if (ev === 'data') {
      if (st.flowing !== false) this.resume();
    } else if (ev === 'readable') {
      st.readableListening = true;
      st.flowing = false;
      if (st.length > 0 || st.ended) scheduleFlow(this);
      else nextTick(() => callRead(this));
    }
    return res;
  };
  Readable.prototype.addListener = Readable.prototype.on;

  Readable.prototype.resume = function resume() {
    const st = this._readableState;
    st.flowing = !st.readableListening;
    if (st.flowing) scheduleFlow(this);
    return this;
  };
  Readable.prototype.pause = function pause() {
    const st = this._readableState;
    if (st.flowing !== false) {
      st.flowing = false;
      this.emit('pause');
    }
    return this;
  };
  Readable.prototype.isPaused = function isPaused() {
    return this._readableState.flowing === false;
  };
  Readable.prototype.setEncoding = function setEncoding(enc) {
    const st = this._readableState;
    st.decoder = new StringDecoder(enc);
    st.encoding = st.decoder.encoding;
    const old = st.buffer;
    st.buffer = [];
    st.length = 0;
    for (const c of old) {
      const s = st.decoder.write(c);
      if (s.length) {
        st.buffer.push(s);
        st.length += s.length;
      }
    }
    return this;
  };

  Readable.prototype.pipe = function pipe(dest, options) {
    const src = this;
    const end = !options || options.end !== false;
    const ondata = (chunk) => {
      if (dest.write(chunk) === false) src.pause();
    };
    const ondrain = () => src.resume();
    const onend = () => {
      if (end) dest.end();
    };
    src.on('data', ondata);
    dest.on('drain', ondrain);
    src.once('end', onend);
    const unpipe = () => {
      src.removeListener('data', ondata);
      dest.removeListener('drain', ondrain);
      src.removeListener('end', onend);
    };
    (src._pipes || (src._pipes = [])).push({ dest, unpipe });
    dest.emit('pipe', src);
    if (src._readableState.flowing !== true) src.resume();
    return dest;
  };
  Readable.prototype.unpipe = function unpipe(dest) {
    const pipes = this._pipes || [];
    for (let i = pipes.length - 1; i >= 0; i--) {
      if (dest === undefined || pipes[i].dest === dest) {
        pipes[i].unpipe();
        pipes[i].dest.emit('unpipe', this);
        pipes.splice(i, 1);
      }
    }
    if (pipes.length === 0) this.pause();
    return this;
  };

  Readable.prototype[Symbol.asyncIterator] = function () {
    const stream = this;
    const queue = [];
    let waiting = null;
    let done = false;
    let error = null;
    const wake = () => {
      if (waiting) {
        const w = waiting;
        waiting = null;
        w();
      }
    };
    stream.on('data', (c) => {
      queue.push(c);
      wake();
    });
    stream.once('end', () => {
      done = true;
      wake();
    });
    stream.once('error', (e) => {
      error = e;
      wake();
    });
    stream.once('close', () => {
      done = true;
      wake();
    });
    return {
      next() {
        return new Promise((resolve, reject) => {
          const attempt = () => {
            if (queue.length > 0) resolve({ value: queue.shift(), done: false });
            else if (error) reject(error);
            else if (done) resolve({ value: undefined, done: true });
            else waiting = attempt;
          };
          attempt();
        });
      },
      return() {
        done = true;
        destroyImpl(stream);
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };

  Readable.from = function from(iterable, opts) {
    if (typeof iterable === 'string' || iterable instanceof Uint8Array) {
      return new Readable(Object.assign({ objectMode: true }, opts, {
        read() {
          this.push(iterable);
          this.push(null);
        },
      }));
    }
    let it;
    if (iterable && typeof iterable[Symbol.asyncIterator] === 'function') it = iterable[Symbol.asyncIterator]();
    else if (iterable && typeof iterable[Symbol.iterator] === 'function') it = iterable[Symbol.iterator]();
    else throw codeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "iterable" argument must be an instance of Iterable.');
    let reading = false;
    return new Readable(Object.assign({ objectMode: true, highWaterMark: 1 }, opts, {
      read() {
        if (reading) return;
        reading = true;
        const pump = async () => {
          try {
            for (;;) {
              const { value, done } = await it.next();
              if (done) {
                this.push(null);
                return;
              }
              const v = await value;
              if (v === null) {
                throw codeError(TypeError, 'ERR_STREAM_NULL_VALUES', 'May not write null values to stream');
              }
              if (!this.push(v)) {
                reading = false;
                return;
              }
            }
          } catch (e) {
            this.destroy(e);
          }
        };
        pump();
      },
    }));
  };

  function defineGetters(proto, getters) {
    for (const k of Object.keys(getters)) {
      Object.defineProperty(proto, k, { get: getters[k], enumerable: false, configurable: true });
    }
  }
  // One side's getters: `readable`/`writable` (open and not done), one per field of the side's
  // state object (`{ getterName: field }`), and `destroyed`.
  function sideGetters(side, state, done, fields) {
    const getters = {
      [side]() {
        const st = this[state];
        return !!st && !st.destroyed && !st[done];
      },
    };
    for (const k of Object.keys(fields)) {
      const field = fields[k];
      getters[k] = { [k]() { return this[state][field]; } }[k];
    }
    getters.destroyed = {
      destroyed() {
        const r = this._readableState;
        const w = this._writableState;
        return !!((r && r.destroyed) || (w && w.destroyed));
      },
    }.destroyed;
    return getters;
  }
  defineGetters(
    Readable.prototype,
    sideGetters('readable', '_readableState', 'endEmitted', {
      readableEnded: 'endEmitted', readableLength: 'length', readableFlowing: 'flowing', readableObjectMode: 'objectMode',
      readableHighWaterMark: 'highWaterMark', readableEncoding: 'encoding',
    }),
  );

  // ---------------------------------------------------------------- destroy
  function destroyImpl(stream, err) {
    const r = stream._readableState;
    const w = stream._writableState;
    if ((r && r.destroyed) || (w && w.destroyed)) {
      return stream;
    }
    if (r) r.destroyed = true;
    if (w) w.destroyed = true;
    const done = (e) => {
      if (e) {
        if (r) r.errored = e;
        if (w) w.errored = e;
        nextTick(() => stream.emit('error', e));
      }
      const emitClose = (r && r.emitClose) || (w && w.emitClose);
      nextTick(() => {
        if (r) r.closed = true;
        if (w) w.closed = true;
        if (emitClose) stream.emit('close');
      });
    };
    if (typeof stream._destroy === 'function') {
      try {
        stream._destroy(err || null, (e) => done(e || err));
      } catch (e) {
        done(e);
      }
    } else done(err);
    return stream;
  }
  function destroy(err) {
    return destroyImpl(this, err);
  }
  Readable.prototype.destroy = destroy;

  // ---------------------------------------------------------------- Writable
  function Writable(options) {
    if (!(this instanceof Writable) && !(this instanceof Duplex)) return new Writable(options);
    Stream.call(this, options);
    initWritable(this, options);
  }
  function initWritable(stream, options) {
    const o = options || {};
    const objectMode = !!(o.objectMode || o.writableObjectMode);
    stream._writableState = {
      objectMode,
      highWaterMark: o.highWaterMark !== undefined ? o.highWaterMark : o.writableHighWaterMark !== undefined ? o.writableHighWaterMark : objectMode ? 16 : 16 * 1024,
      decodeStrings: o.decodeStrings !== false,
      defaultEncoding: o.defaultEncoding || 'utf8',
      queue: [],
      length: 0,
      writing: false,
      ending: false,
      ended: false,
      finished: false,
      needDrain: false,
      destroyed: false,
      closed: false,
      errored: null,
      corked: 0,
      autoDestroy: o.autoDestroy !== false,
      emitClose: o.emitClose !== false,
      finalCalled: false,
    };
    if (typeof o.write === 'function') stream._write = o.write;
    if (typeof o.writev === 'function') stream._writev = o.writev;
    if (typeof o.final === 'function') stream._final = o.final;
    if (typeof o.destroy === 'function') stream._destroy = o.destroy;
  }
  Object.setPrototypeOf(Writable.prototype, Stream.prototype);
  Object.setPrototypeOf(Writable, Stream);

  Writable.prototype._write = function _write(chunk, encoding, cb) {
    if (typeof this._writev === 'function') {
      this._writev([{ chunk, encoding }], cb);
      return;
    }
    throw codeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _write() method is not implemented');
  };

  Writable.prototype.write = function write(chunk, encoding, cb) {
    const st = this._writableState;
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = null;
    }
    if (chunk === null) throw codeError(TypeError, 'ERR_STREAM_NULL_VALUES', 'May not write null values to stream');
    let enc = encoding || st.defaultEncoding;
    let c = chunk;
    if (!st.objectMode) {
      if (typeof chunk === 'string') {
        if (st.decodeStrings !== false) {
          c = Buffer.from(chunk, enc);
          enc = 'buffer';
        }
      } else if (chunk instanceof Uint8Array) {
        c = toChunk(st, chunk);
        enc = 'buffer';
      } else {
        throw codeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "chunk" argument must be of type string or an instance of Buffer or Uint8Array.');
      }
    }
    if (st.ending) {
      const e = codeError(Error, 'ERR_STREAM_WRITE_AFTER_END', 'write after end');
      nextTick(() => {
        if (typeof cb === 'function') cb(e);
        this.emit('error', e);
      });
      return false;
    }
    if (st.destroyed) {
      const e = codeError(Error, 'ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed');
      if (typeof cb === 'function') nextTick(cb, e);
      return false;
    }
    const len = st.objectMode ? 1 : c.length;
    st.length += len;
    const ret = st.length < st.highWaterMark;
    if (!ret) st.needDrain = true;
    st.queue.push({ chunk: c, encoding: enc, cb: typeof cb === 'function' ? cb : null, len });
    if (!st.writing && st.corked === 0) writeNext(this);
    return ret;
  };

  function writeNext(stream) {
    const st = stream._writableState;
    if (st.writing || st.destroyed) return;
    const item = st.queue.shift();
    if (item === undefined) {
      if (st.needDrain && st.length === 0) {
        st.needDrain = false;
        nextTick(() => stream.emit('drain'));
      }
      if (st.ending) maybeFinish(stream);
      return;
    }
    st.writing = true;
    let called = false;
    const onwrite = (err) => {
      if (called) {
        destroyImpl(stream, codeError(Error, 'ERR_MULTIPLE_CALLBACK', 'Callback called multiple times'));
        return;
      }
      called = true;
      st.writing = false;
      st.length -= item.len;
      if (err) {
        if (item.cb) nextTick(item.cb, err);
        destroyImpl(stream, err);
        return;
      }
      if (item.cb) nextTick(item.cb, null);
      nextTick(writeNext, stream);
    };
    try {
      stream._write(item.chunk, item.encoding, onwrite);
    } catch (e) {
      onwrite(e);
    }
  }

  function maybeFinish(stream) {
    const st = stream._writableState;
    if (st.finished || st.writing || st.queue.length > 0 || st.destroyed) return;
    const finish = (err) => {
      if (err) {
        destroyImpl(stream, err);
        return;
      }
      st.finished = true;
      nextTick(() => {
        stream.emit('finish');
        const r = stream._readableState;
        if (st.autoDestroy && (!r || r.endEmitted || r.autoDestroy === false)) destroyImpl(stream);
      });
    };
    if (typeof stream._final === 'function' && !st.finalCalled) {
      st.finalCalled = true;
      st.writing = true;
      try {
        stream._final((err) => {
          st.writing = false;
          finish(err);
        });
      } catch (e) {
        st.writing = false;
        finish(e);
      }
    } else if (!st.finalCalled || typeof stream._final !== 'function') {
      st.finalCalled = true;
      finish();
    }
  }

  Writable.prototype.end = function end(chunk, encoding, cb) {
    const st = this._writableState;
    if (typeof chunk === 'function') {
      cb = chunk;
      chunk = null;
      encoding = null;
    } else if (typeof encoding === 'function') {
      cb = encoding;
      encoding = null;
    }
    if (chunk !== null && chunk !== undefined) this.write(chunk, encoding);
    if (st.corked) {
      st.corked = 1;
      this.uncork();
    }
    if (typeof cb === 'function') {
      if (st.finished) nextTick(cb, null);
      else this.once('finish', () => cb(null));
    }
    if (!st.ending) {
      st.ending = true;
      st.ended = true;
      if (!st.writing && st.queue.length === 0) maybeFinish(this);
    }
    return this;
  };
  Writable.prototype.cork = function cork() {
    this._writableState.corked++;
  };
  Writable.prototype.uncork = function uncork() {
    const st = this._writableState;
    if (st.corked > 0) {
      st.corked--;
      if (st.corked === 0 && !st.writing) writeNext(this);
    }
  };
  Writable.prototype.setDefaultEncoding = function setDefaultEncoding(enc) {
    this._writableState.defaultEncoding = enc;
    return this;
  };
  Writable.prototype.destroy = destroy;
  const writableGetters = sideGetters('writable', '_writableState', 'ending', {
    writableEnded: 'ending', writableFinished: 'finished', writableLength: 'length', writableObjectMode: 'objectMode',
    writableHighWaterMark: 'highWaterMark', writableNeedDrain: 'needDrain', writableCorked: 'corked',
  });
  defineGetters(Writable.prototype, writableGetters);

  // ---------------------------------------------------------------- Duplex & Transform
  function Duplex(options) {
    if (!(this instanceof Duplex)) return new Duplex(options);
    Readable.call(this, options);
    initWritable(this, options);
    const o = options || {};
    if (o.allowHalfOpen === false) {
      this.once('end', () => this.end());
    }
  }
  Object.setPrototypeOf(Duplex.prototype, Readable.prototype);
  Object.setPrototypeOf(Duplex, Readable);
  for (const k of ['write', 'end', 'cork', 'uncork', 'setDefaultEncoding', '_write']) {
    Duplex.prototype[k] = Writable.prototype[k];
  }
  defineGetters(Duplex.prototype, writableGetters);

  function Transform(options) {
    if (!(this instanceof Transform)) return new Transform(options);
    Duplex.call(this, options);
    const o = options || {};
    if (typeof o.transform === 'function') this._transform = o.transform;
    if (typeof o.flush === 'function') this._flush = o.flush;
    this._readableState.sync = false;
  }
  Object.setPrototypeOf(Transform.prototype, Duplex.prototype);
  Object.setPrototypeOf(Transform, Duplex);
  Transform.prototype._transform = function _transform() {
    throw codeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _transform() method is not implemented');
  };
  Transform.prototype._write = function _write(chunk, encoding, cb) {
    let called = false;
    this._transform(chunk, encoding, (err, data) => {
      if (called) return;
      called = true;
      if (err) {
        cb(err);
        return;
      }
      if (data != null) this.push(data);
      cb();
    });
  };
  Transform.prototype._read = function _read() {};
  Transform.prototype._final = function _final(cb) {
    const done = (err, data) => {
      if (err) {
        cb(err);
        return;
      }
      if (data != null) this.push(data);
      this.push(null);
      cb();
    };
    if (typeof this._flush === 'function') this._flush(done);
    else done();
  };

  function PassThrough(options) {
    if (!(this instanceof PassThrough)) return new PassThrough(options);
    Transform.call(this, options);
  }
  Object.setPrototypeOf(PassThrough.prototype, Transform.prototype);
  Object.setPrototypeOf(PassThrough, Transform);
  PassThrough.prototype._transform = function (chunk, enc, cb) {
    cb(null, chunk);
  };

  // ---------------------------------------------------------------- pipeline & finished
  function finished(stream, opts, cb) {
    if (typeof opts === 'function') {
      cb = opts;
      opts = {};
    }
    let done = false;
    const call = (err) => {
      if (done) return;
      done = true;
      cleanup();
      cb(err);
    };
    const readable = !!stream._readableState && (!opts || opts.readable !== false);
    const writable = !!stream._writableState && (!opts || opts.writable !== false);
    let ended = !readable || stream._readableState.endEmitted;
    let finishedW = !writable || stream._writableState.finished;
    const onend = () => {
      ended = true;
      if (finishedW) call();
    };
    const onfinish = () => {
      finishedW = true;
      if (ended) call();
    };
    const onerror = (e) => call(e);
    const onclose = () => {
      if (!ended || !finishedW) call(codeError(Error, 'ERR_STREAM_PREMATURE_CLOSE', 'Premature close'));
    };
    stream.on('end', onend);
    stream.on('finish', onfinish);
    stream.on('error', onerror);
    stream.on('close', onclose);
    function cleanup() {
      stream.removeListener('end', onend);
      stream.removeListener('finish', onfinish);
      stream.removeListener('error', onerror);
      stream.removeListener('close', onclose);
    }
    if (ended && finishedW) nextTick(call);
    return cleanup;
  }

  function pipeline(...streams) {
    const cb = typeof streams[streams.length - 1] === 'function' ? streams.pop() : null;
    if (Array.isArray(streams[0]) && streams.length === 1) streams = streams[0];
    if (cb === null) throw codeError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "streams[stream.length - 1]" argument must be of type function.');
    if (streams.length < 2) throw codeError(TypeError, 'ERR_MISSING_ARGS', 'The "streams" argument must be specified');
    for (let i = 0; i < streams.length; i++) {
      if (typeof streams[i] === 'function') throw new Error('stream.pipeline with functions is not supported in sandbox');
      if (i === 0 && !streams[i]._readableState && (typeof streams[i][Symbol.asyncIterator] === 'function' || typeof streams[i][Symbol.iterator] === 'function')) {
        streams[i] = Readable.from(streams[i]);
      }
    }
    let error = null;
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      if (err) for (const s of streams) destroyImpl(s, undefined);
      cb(err || undefined);
    };
    for (let i = 0; i < streams.length; i++) {
      const s = streams[i];
      const last = i === streams.length - 1;
      finished(s, { readable: last || i === 0 ? undefined : false }, (err) => {
        if (err) {
          if (!error) error = err;
          finish(error);
        } else if (last) {
          finish();
        }
      });
      if (i > 0) streams[i - 1].pipe(s);
    }
    return streams[streams.length - 1];
  }

  const promises = {
    pipeline(...streams) {
      return new Promise((resolve, reject) => {
        pipeline(...streams, (err, value) => (err ? reject(err) : resolve(value)));
      });
    },
    finished(stream, opts) {
      return new Promise((resolve, reject) => {
        finished(stream, opts || {}, (err) => (err ? reject(err) : resolve()));
      });
    },
  };

  Stream.prototype.pipe = function pipe(dest, options) {
    return Readable.prototype.pipe.call(this, dest, options);
  };
  Stream.Stream = Stream;
  Stream.Readable = Readable;
  Stream.Writable = Writable;
  Stream.Duplex = Duplex;
  Stream.Transform = Transform;
  Stream.PassThrough = PassThrough;
  Stream.pipeline = pipeline;
  Stream.finished = finished;
  Stream.promises = promises;
  Stream.addAbortSignal = () => {
    throw new Error('stream.addAbortSignal is not supported in sandbox');
  };
  Stream.compose = () => {
    throw new Error('stream.compose is not supported in sandbox');
  };
  Stream.isReadable = (s) => !!(s && s._readableState && !s._readableState.destroyed && !s._readableState.endEmitted);
  Stream.isErrored = (s) => !!(s && ((s._readableState && s._readableState.errored) || (s._writableState && s._writableState.errored)));
  return Stream;
});
