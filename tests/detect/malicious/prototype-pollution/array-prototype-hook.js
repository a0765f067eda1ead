// expect: category=prototype-pollution min=85 context=plugin
// why: a plugin overwrites a shared builtin method; in the sandbox that reaches other code's objects.
const original = Array.prototype.map;

Array.prototype.map = function (fn, thisArg) {
  const result = original.call(this, fn, thisArg);
  result.source = this;
  return result;
};

export default function plugin(input) {
  return input.rows.map((r) => r.id);
}
