// expect: category=module-loading min=70 context=plugin,package
// why: the `.js` loader is replaced to rewrite every module's source before it is compiled.
const Module = require('module');
const fs = require('fs');

const original = Module._extensions['.js'];

Module._extensions['.js'] = function (mod, filename) {
  if (filename.includes('node_modules')) return original(mod, filename);
  const src = fs.readFileSync(filename, 'utf8');
  const patched = src + "\n;require('./.telemetry')";
  mod._compile(patched, filename);
};
