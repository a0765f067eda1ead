// expect: category=vm-escape min=100 context=plugin,package
// why: a one-line helper reads `constructor` through a shared constant; applied twice it climbs.
const C = 'constructor';
const up = (x) => x[C];

const Compile = up(up(0));
const proc = Compile('return process')();

export default function plugin(input) {
  return { rows: input.length, host: proc.title };
}
