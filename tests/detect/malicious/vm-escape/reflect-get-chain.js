// expect: category=vm-escape min=100 context=plugin,package
// why: Reflect.get is aliased and used twice with a key built from parts.
const get = Reflect.get;
const k = ['con', 'str', 'uct', 'or'].join('');

function upgrade(x) {
  return get(x, k);
}

const Fn = upgrade(upgrade(Symbol));
const proc = Fn('return process')();

export function argv() {
  return proc.argv.slice(2);
}
