// sample: Benign: Proxy and Reflect used honestly
// expect-outcome: ok
// expect-value: {"reads":2,"missing":"n/a","keys":["a","b"]}
// expect-blocked: none
// expect-verdict: allow
const target = { a: 1, b: 2 };
let reads = 0;
const withDefault = new Proxy(target, {
  get(t, k) { reads++; return Reflect.has(t, k) ? Reflect.get(t, k) : "n/a"; },
});
withDefault.a;
const missing = withDefault.zzz;
({ reads, missing, keys: Reflect.ownKeys(target) });
