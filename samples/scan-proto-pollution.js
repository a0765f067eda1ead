// sample: Scanner: prototype pollution through a merge helper and __proto__ writes
// expect-verdict: block
// expect-findings: proto-pollution, builtin-prototype-write
//
// A deep merge fed attacker JSON pollutes every object; so do direct writes through
// __proto__ and to Object.prototype.
function merge(target, source) {
  for (const key in source) {
    if (typeof source[key] === "object") merge(target[key] || (target[key] = {}), source[key]);
    else target[key] = source[key];
  }
  return target;
}
merge({}, JSON.parse('{"__proto__": {"isAdmin": true}}'));
const victim = {};
victim["__pro" + "to__"].polluted = 1;
Object.prototype.toJSON = function () { return "owned"; };
({}).isAdmin;
