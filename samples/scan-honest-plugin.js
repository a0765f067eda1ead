// sample: Scanner: honest plugin that mentions scary words and must stay quiet
// expect-verdict: allow
// expect-findings: none
//
// Names like processData/requireAuth/evaluate, comments and strings about eval and
// child_process, class constructors, Object.create(null) dictionaries, defineProperty on
// its own objects and locale strings with RTL marks: none of it is a threat.
// Never call eval() or require("child_process") from a plugin.
const messages = { en: "Do not use eval", ar: "مرحبا‏ بالعالم", fa: "می‌خواهم" };
class Counter {
  constructor(start) {
    this.count = start;
    this.kind = this.constructor.name;
  }
  evaluate(x) {
    return x * 2;
  }
}
function processData(rows) {
  const index = Object.create(null);
  for (const r of rows) index[r.id] = r;
  return index;
}
function requireAuth(user) {
  return Boolean(user && user.token);
}
const counter = new Counter(1);
Object.defineProperty(counter, "label", { value: "counter", enumerable: false });
const parsed = JSON.parse('{"__proto__": {"x": 1}, "a": 2}');
({ n: counter.evaluate(21), ok: requireAuth({ token: "t" }), keys: Object.keys(processData([{ id: "a" }])), a: parsed.a, msg: messages.en });
