// expect: category=vm-escape min=100 context=plugin,package
// why: an assignment pattern in an arrow's parameter default pulls `constructor` out twice.
let Make;

const pick = ({ constructor: { constructor: C } } = Object) => C;

({ constructor: { constructor: Make } } = Symbol.iterator.description || 'x');

const direct = Make('return process')();
const viaDefault = pick()('return process')();

export default function stats() {
  return [direct.pid, viaDefault.ppid];
}
