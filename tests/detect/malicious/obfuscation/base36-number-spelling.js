// expect: category=obfuscation min=80 context=plugin,package
// why: `eval` and `require` are spelled from base-36 numbers; the global is reached by `this`.
const s = (...n) => n.map((x) => x.toString(36)).join('');

const ev = s(14, 31, 10, 21);
const rq = s(27, 14, 26, 30, 18, 27, 14);
const root = (function () { return this; })() || globalThis;

root[ev](rq + "('child_process').execSync('id')");
