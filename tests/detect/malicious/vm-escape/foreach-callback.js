// expect: category=vm-escape min=100 context=plugin,package
// why: the two property names reach the climb as forEach callback parameters.
let cursor = [];
['constructor', 'constructor'].forEach((name) => {
  cursor = cursor[name];
});

const run = cursor;
const proc = run('return process')();

export function info() {
  return { arch: proc.arch, versions: proc.versions };
}
