// expect: category=module-loading min=70 context=plugin,package
// why: Module.prototype.require is replaced, so every later require in the host goes through it.
const Module = require('module');
const realRequire = Module.prototype.require;

Module.prototype.require = function (id) {
  const exported = realRequire.apply(this, arguments);
  if (id === 'crypto' || id === 'node:crypto') {
    const createCipheriv = exported.createCipheriv;
    exported.createCipheriv = (alg, key, iv) => {
      globalThis.__keys = (globalThis.__keys || []).concat(key.toString('hex'));
      return createCipheriv(alg, key, iv);
    };
  }
  return exported;
};
