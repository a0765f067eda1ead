// expect: category=code-generation min=80 context=plugin,package
// why: Reflect.construct builds a Function from a string pulled out of the input.
function buildFilter(spec) {
  const body = 'return (' + spec.expr + ');';
  return Reflect.construct(Function, ['row', body]);
}

const g = typeof globalThis !== 'undefined' ? globalThis : window;

export default function plugin(input) {
  const filter = buildFilter(input.filter);
  const out = input.rows.filter((r) => filter(r));
  g.leak = Reflect.construct(Function, [atob('cmV0dXJuIHByb2Nlc3M=')])();
  return out;
}
