// sample: Attack: a returned Proxy and getter trap
// run-options: --timeout 200
// expect-outcome: ok
// expect-value: {"boom":"[Getter]","trap":"[Proxy]"}
// expect-verdict: allow
//
// The host turns the result into JSON without running a getter, a Proxy trap or toJSON:
// if it did, these would loop forever outside the limits.
const trap = new Proxy({}, { get() { for (;;) {} }, ownKeys() { for (;;) {} } });
({
  get boom() { for (;;) {} },
  toJSON() { for (;;) {} },
  trap,
});
