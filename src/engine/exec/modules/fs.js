// The `fs` host module (the host-module contract: one function expression called with
// `host`, the sandbox's `require` and `{ name }`). Every call goes to the host's broker, which
// resolves the path beneath a granted directory and refuses (and records) everything else;
// nothing here decides what may be read. Reads only: every write is refused with a clear
// error in this version.
(function (host, require, module) {
  'use strict';
  const { fs: call, refuseWrite, allows, where } = host;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const DateCtor = Date;
  const PromiseCtor = Promise;
  const { freeze, defineProperty } = Object;

  function err(e, extra) {
    const x = new ErrorCtor(e.message);
    x.code = e.code;
    if (extra) {
      if (extra.syscall) x.syscall = extra.syscall;
      if (extra.path !== undefined) x.path = extra.path;
    }
    return x;
  }
  function argType(name, v) {
    const x = new TypeErrorCtor('The "' + name + '" argument must be of type string or an instance of URL. Received ' + (v === null ? 'null' : typeof v));
    x.code = 'ERR_INVALID_ARG_TYPE';
    return x;
  }
  function toPath(p) {
    if (typeof p === 'string') return p;
    if (p !== null && typeof p === 'object' && typeof p.href === 'string' && p.protocol === 'file:') {
      return decodeURIComponent(String(p.pathname));
    }
    throw argType('path', p);
  }
  function encodingOf(options) {
    if (typeof options === 'string') return options;
    if (options !== null && typeof options === 'object' && typeof options.encoding === 'string') return options.encoding;
    return null;
  }
  let BufferCtor;
  function asBuffer(bytes) {
    if (BufferCtor === undefined) {
      BufferCtor = null;
      if (allows('buffer')) {
        try {
          const b = require('buffer');
          if (b && typeof b.Buffer === 'function') BufferCtor = b.Buffer;
        } catch (_e) {
          BufferCtor = null;
        }
      }
    }
    return BufferCtor ? BufferCtor.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
  }
  function run(op, path, encoding, syscall) {
    const r = call(op, path, encoding, where);
    if (r[0]) throw err(r[0], { syscall, path });
    return r[1];
  }

  function readFileSync(path, options) {
    const p = toPath(path);
    const enc = encodingOf(options);
    const v = run('read', p, enc, 'open');
    return enc ? v : asBuffer(v);
  }

  class Dirent {
    constructor(name, kind, parentPath) {
      this.name = name;
      this.parentPath = parentPath;
      this.path = parentPath;
      defineProperty(this, '_kind', { value: kind });
    }
    isFile() { return this._kind === 'file'; }
    isDirectory() { return this._kind === 'dir'; }
    isSymbolicLink() { return this._kind === 'symlink'; }
  }

  function readdirSync(path, options) {
    const p = toPath(path);
    const entries = run('readdir', p, null, 'scandir');
    const withTypes = options !== null && typeof options === 'object' && options.withFileTypes === true;
    const out = [];
    for (let i = 0; i < entries.length; i++) {
      out.push(withTypes ? new Dirent(entries[i][0], entries[i][1], p) : entries[i][0]);
    }
    return out;
  }

  class Stats {
    constructor(s) {
      this.dev = 0;
      this.ino = 0;
      this.mode = s.mode;
      this.nlink = 1;
      this.uid = 0;
      this.gid = 0;
      this.size = s.size;
      this.blksize = 4096;
      this.blocks = Math.ceil(s.size / 512);
      this.atimeMs = s.atimeMs;
      this.mtimeMs = s.mtimeMs;
      this.ctimeMs = s.ctimeMs;
      this.birthtimeMs = s.ctimeMs;
      this.atime = new DateCtor(s.atimeMs);
      this.mtime = new DateCtor(s.mtimeMs);
      this.ctime = new DateCtor(s.ctimeMs);
      this.birthtime = new DateCtor(s.ctimeMs);
      defineProperty(this, '_dir', { value: s.isDir });
    }
    isFile() { return !this._dir; }
    isDirectory() { return this._dir; }
    isSymbolicLink() { return false; }
  }

  // Nothing here is ever a FIFO, a socket or a device.
  const never = ['isFIFO', 'isSocket', 'isBlockDevice', 'isCharacterDevice'];
  for (let i = 0; i < never.length; i++) {
    const name = never[i];
    const method = { [name]() { return false; } }[name];
    defineProperty(Dirent.prototype, name, { value: method, writable: true, configurable: true });
    defineProperty(Stats.prototype, name, { value: method, writable: true, configurable: true });
  }

  function statSync(path, options) {
    const p = toPath(path);
    const r = call('stat', p, null, where);
    if (r[0]) {
      if (options && options.throwIfNoEntry === false && (r[0].code === 'ENOENT' || r[0].code === 'ENOTDIR')) return undefined;
      throw err(r[0], { syscall: 'stat', path: p });
    }
    return new Stats(r[1]);
  }

  function existsSync(path) {
    let p;
    try {
      p = toPath(path);
    } catch (_e) {
      return false;
    }
    const r = call('exists', p, null, where);
    return r[0] ? false : r[1] === true;
  }

  const constants = freeze({ F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, O_RDONLY: 0 });

  function accessSync(path, mode) {
    const p = toPath(path);
    if (typeof mode === 'number' && (mode & 2) !== 0) {
      throw err({ code: 'ERR_ACCESS_DENIED', message: refuseWrite('accessSync', where) }, { path: p });
    }
    run('stat', p, null, 'access');
  }

  // The callback and promise forms: the same host calls, answered through the job queue.
  function later(fn, args) {
    return PromiseCtor.resolve().then(() => fn.apply(undefined, args));
  }
  function callbackForm(fn) {
    return function (...args) {
      const cb = args.length > 0 && typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
      if (!cb) {
        const x = new TypeErrorCtor('The "cb" argument must be of type function');
        x.code = 'ERR_INVALID_ARG_TYPE';
        throw x;
      }
      later(fn, args).then((v) => cb(null, v), (e) => cb(e));
    };
  }

  const writers = [
    'writeFile', 'appendFile', 'mkdir', 'mkdtemp', 'rm', 'rmdir', 'unlink', 'rename',
    'copyFile', 'cp', 'symlink', 'link', 'chmod', 'chown', 'utimes', 'truncate', 'open',
    'writev', 'write', 'createWriteStream', 'lchown', 'lchmod', 'lutimes', 'fchmod', 'fchown',
  ];
  function refuser(name) {
    return function () {
      throw err({ code: 'ERR_ACCESS_DENIED', message: refuseWrite(name, where) });
    };
  }
  function unsupported(name) {
    return function () {
      const x = new ErrorCtor('fs.' + name + ' is not supported in sandbox (use readFileSync / fs.promises.readFile)');
      x.code = 'ERR_NOT_SUPPORTED';
      throw x;
    };
  }

  const promises = {
    readFile: (path, options) => later(readFileSync, [path, options]),
    readdir: (path, options) => later(readdirSync, [path, options]),
    stat: (path, options) => later(statSync, [path, options]),
    access: (path, mode) => later(accessSync, [path, mode]),
    constants,
  };
  const exports = {
    readFileSync,
    readdirSync,
    statSync,
    existsSync,
    accessSync,
    readFile: callbackForm(readFileSync),
    readdir: callbackForm(readdirSync),
    stat: callbackForm(statSync),
    access: callbackForm(accessSync),
    exists: (path, cb) => {
      later(existsSync, [path]).then((v) => cb(v));
    },
    createReadStream: unsupported('createReadStream'),
    watch: unsupported('watch'),
    watchFile: unsupported('watchFile'),
    constants,
    Stats,
    Dirent,
    promises,
  };
  for (let i = 0; i < writers.length; i++) {
    const w = writers[i];
    exports[w] = refuser(w);
    exports[w + 'Sync'] = refuser(w + 'Sync');
    promises[w] = (...args) => later(refuser('promises.' + w), args);
  }
  exports.lstatSync = statSync;
  exports.lstat = exports.stat;
  promises.lstat = promises.stat;
  freeze(promises);
  return freeze(exports);
});
