// Host module `events`: Node's EventEmitter (listeners, once, prepend, the 'newListener' /
// 'removeListener' events, 'error' semantics, max listeners) and `events.once`. Pure JS.
// EventEmitter is a plain function so that the `EventEmitter.call(this)` + `util.inherits`
// idiom works as well as `class X extends EventEmitter`.
(function (host, require, module) {
  'use strict';
  const kCapture = Symbol('kCapture');
  const errorMonitor = Symbol('events.errorMonitor');
  let defaultMaxListeners = 10;

  function typeError(code, message) {
    const e = new TypeError(message);
    e.code = code;
    return e;
  }
  function describe(v) {
    if (v == null) return String(v);
    if (typeof v === 'object') return 'an instance of ' + ((v.constructor && v.constructor.name) || 'Object');
    let s = typeof v === 'string' ? "'" + v + "'" : String(v);
    if (s.length > 28) s = s.slice(0, 25) + '...';
    return 'type ' + typeof v + ' (' + s + (typeof v === 'bigint' ? 'n' : '') + ')';
  }
  function checkListener(listener) {
    if (typeof listener !== 'function') {
      throw typeError(
        'ERR_INVALID_ARG_TYPE',
        'The "listener" argument must be of type function. Received ' + describe(listener),
      );
    }
  }

  function EventEmitter(opts) {
    EventEmitter.init.call(this, opts);
  }

  EventEmitter.init = function (opts) {
    if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
      this._events = Object.create(null);
      this._eventsCount = 0;
    }
    this._maxListeners = this._maxListeners || undefined;
    if (opts && opts.captureRejections) {
      throw new Error('captureRejections is not supported in sandbox');
    }
  };

  Object.defineProperty(EventEmitter, 'defaultMaxListeners', {
    enumerable: true,
    get() {
      return defaultMaxListeners;
    },
    set(n) {
      if (typeof n !== 'number' || n < 0 || n !== n) {
        const e = new RangeError('The value of "defaultMaxListeners" is out of range. It must be a non-negative number. Received ' + String(n));
        e.code = 'ERR_OUT_OF_RANGE';
        throw e;
      }
      defaultMaxListeners = n;
    },
  });

  const proto = EventEmitter.prototype;
  proto._events = undefined;
  proto._eventsCount = 0;
  proto._maxListeners = undefined;

  proto.setMaxListeners = function setMaxListeners(n) {
    if (typeof n !== 'number' || n < 0 || n !== n) {
      const e = new RangeError('The value of "setMaxListeners" is out of range. It must be >= 0. Received ' + String(n));
      e.code = 'ERR_OUT_OF_RANGE';
      throw e;
    }
    this._maxListeners = n;
    return this;
  };
  function maxOf(that) {
    return that._maxListeners === undefined ? defaultMaxListeners : that._maxListeners;
  }
  proto.getMaxListeners = function getMaxListeners() {
    return maxOf(this);
  };

  function ensure(that) {
    if (that._events === undefined) {
      that._events = Object.create(null);
      that._eventsCount = 0;
    }
    return that._events;
  }

  proto.emit = function emit(type, ...args) {
    const events = this._events;
    if (type === 'error' && events !== undefined && events[errorMonitor] !== undefined) {
      this.emit(errorMonitor, ...args);
    }
    const handler = events === undefined ? undefined : events[type];
    if (handler === undefined) {
      if (type === 'error') {
        const er = args[0];
        if (er instanceof Error) throw er;
        let shown;
        try {
          shown = typeof er === 'string' ? "'" + er + "'" : String(er);
        } catch (_e) {
          shown = '[object]';
        }
        const err = new Error('Unhandled error. (' + shown + ')');
        err.code = 'ERR_UNHANDLED_ERROR';
        err.context = er;
        throw err;
      }
      return false;
    }
    if (typeof handler === 'function') {
      Reflect.apply(handler, this, args);
    } else {
      const listeners = handler.slice();
      for (let i = 0; i < listeners.length; i++) Reflect.apply(listeners[i], this, args);
    }
    return true;
  };

  function addListener(target, type, listener, prepend) {
    checkListener(listener);
    let events = ensure(target);
    if (events.newListener !== undefined) {
      target.emit('newListener', type, listener.listener ? listener.listener : listener);
      events = target._events;
    }
    const existing = events[type];
    if (existing === undefined) {
      events[type] = listener;
      ++target._eventsCount;
    } else {
      let list;
      if (typeof existing === 'function') {
        list = events[type] = prepend ? [listener, existing] : [existing, listener];
      } else {
        list = existing;
        if (prepend) list.unshift(listener);
        else list.push(listener);
      }
      const m = maxOf(target);
      if (m > 0 && list.length > m && !list.warned) {
        // Node prints a MaxListenersExceededWarning on stderr; a sandbox has none.
        list.warned = true;
      }
    }
    return target;
  }

  proto.addListener = function addListener_(type, listener) {
    return addListener(this, type, listener, false);
  };
  proto.on = proto.addListener;
  proto.prependListener = function prependListener(type, listener) {
    return addListener(this, type, listener, true);
  };

  function onceWrapper(...args) {
    if (!this.fired) {
      this.target.removeListener(this.type, this.wrapFn);
      this.fired = true;
      return Reflect.apply(this.listener, this.target, args);
    }
  }
  function onceWrap(target, type, listener) {
    const state = { fired: false, wrapFn: undefined, target, type, listener };
    const wrapped = onceWrapper.bind(state);
    wrapped.listener = listener;
    state.wrapFn = wrapped;
    return wrapped;
  }
  proto.once = function once(type, listener) {
    checkListener(listener);
    this.on(type, onceWrap(this, type, listener));
    return this;
  };
  proto.prependOnceListener = function prependOnceListener(type, listener) {
    checkListener(listener);
    this.prependListener(type, onceWrap(this, type, listener));
    return this;
  };

  proto.removeListener = function removeListener(type, listener) {
    checkListener(listener);
    const events = this._events;
    if (events === undefined) return this;
    const list = events[type];
    if (list === undefined) return this;
    if (list === listener || list.listener === listener) {
      this._eventsCount -= 1;
      if (this._eventsCount === 0) this._events = Object.create(null);
      else delete events[type];
      if (events.removeListener !== undefined) this.emit('removeListener', type, list.listener || listener);
    } else if (typeof list !== 'function') {
      let position = -1;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === listener || list[i].listener === listener) {
          position = i;
          break;
        }
      }
      if (position < 0) return this;
      const removed = list[position];
      list.splice(position, 1);
      if (list.length === 1) events[type] = list[0];
      if (events.removeListener !== undefined) this.emit('removeListener', type, removed.listener || listener);
    }
    return this;
  };
  proto.off = proto.removeListener;

  proto.removeAllListeners = function removeAllListeners(type) {
    const events = this._events;
    if (events === undefined) return this;
    if (events.removeListener === undefined) {
      if (arguments.length === 0) {
        this._events = Object.create(null);
        this._eventsCount = 0;
      } else if (events[type] !== undefined) {
        if (--this._eventsCount === 0) this._events = Object.create(null);
        else delete events[type];
      }
      return this;
    }
    if (arguments.length === 0) {
      const keys = Reflect.ownKeys(events);
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] === 'removeListener') continue;
        this.removeAllListeners(keys[i]);
      }
      this.removeAllListeners('removeListener');
      this._events = Object.create(null);
      this._eventsCount = 0;
      return this;
    }
    const listeners = events[type];
    if (typeof listeners === 'function') {
      this.removeListener(type, listeners);
    } else if (listeners !== undefined) {
      for (let i = listeners.length - 1; i >= 0; i--) this.removeListener(type, listeners[i]);
    }
    return this;
  };

  function listenersOf(target, type, unwrap) {
    const events = target._events;
    if (events === undefined) return [];
    const l = events[type];
    if (l === undefined) return [];
    if (typeof l === 'function') return unwrap ? [l.listener || l] : [l];
    return unwrap ? l.map((f) => f.listener || f) : l.slice();
  }
  proto.listeners = function listeners(type) {
    return listenersOf(this, type, true);
  };
  proto.rawListeners = function rawListeners(type) {
    return listenersOf(this, type, false);
  };
  function listenerCount(type, listener) {
    const events = this._events;
    if (events === undefined) return 0;
    const l = events[type];
    if (l === undefined) return 0;
    if (typeof l === 'function') return listener === undefined || l === listener || l.listener === listener ? 1 : 0;
    if (listener === undefined) return l.length;
    let n = 0;
    for (let i = 0; i < l.length; i++) if (l[i] === listener || l[i].listener === listener) n++;
    return n;
  }
  proto.listenerCount = listenerCount;
  proto.eventNames = function eventNames() {
    return this._eventsCount > 0 ? Reflect.ownKeys(this._events) : [];
  };

  EventEmitter.listenerCount = function (emitter, type) {
    if (typeof emitter.listenerCount === 'function') return emitter.listenerCount(type);
    return Reflect.apply(listenerCount, emitter, [type]);
  };

  // events.once(emitter, name): a promise of the next emission's arguments (rejected by an
  // 'error' emitted first).
  function once(emitter, name, options) {
    if (options && options.signal) throw new Error('events.once with a signal is not supported in sandbox');
    return new Promise((resolve, reject) => {
      const errorListener = (err) => {
        emitter.removeListener(name, resolver);
        reject(err);
      };
      const resolver = (...args) => {
        if (name !== 'error') emitter.removeListener('error', errorListener);
        resolve(args);
      };
      emitter.once(name, resolver);
      if (name !== 'error') emitter.once('error', errorListener);
    });
  }

  function unsupported(what) {
    return function () {
      throw new Error('events.' + what + ' is not supported in sandbox');
    };
  }

  EventEmitter.EventEmitter = EventEmitter;
  EventEmitter.once = once;
  EventEmitter.on = unsupported('on');
  EventEmitter.errorMonitor = errorMonitor;
  EventEmitter.captureRejectionSymbol = Symbol.for('nodejs.rejection');
  EventEmitter.usingDomains = false;
  EventEmitter.getEventListeners = function (emitter, type) {
    return emitter.listeners(type);
  };
  EventEmitter.setMaxListeners = function (n, ...targets) {
    if (targets.length === 0) EventEmitter.defaultMaxListeners = n;
    for (let i = 0; i < targets.length; i++) targets[i].setMaxListeners(n);
  };
  Object.defineProperty(EventEmitter, kCapture, { value: false });
  return EventEmitter;
});
