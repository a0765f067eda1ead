// sample: Plugin: read the frozen `input` global
// run-options: --input {"orders":[{"id":1,"qty":2,"price":5},{"id":2,"qty":1,"price":30}],"currency":"EUR"}
// expect-outcome: ok
// expect-value: {"count":2,"total":40,"currency":"EUR","frozen":true,"refused":true,"mutated":false}
// expect-blocked: none
// expect-verdict: allow
//
// `--input JSON` becomes a deeply frozen global. The plugin can read it; scripts run in
// strict mode under the strict profile, so a write throws a TypeError and changes nothing.
const total = input.orders.reduce((sum, o) => sum + o.qty * o.price, 0);
let refused = false;
try {
  input.orders[0].qty = 1000;
  input.hacked = true;
} catch (e) {
  refused = e instanceof TypeError;
}
({
  count: input.orders.length,
  total,
  currency: input.currency,
  frozen: Object.isFrozen(input) && Object.isFrozen(input.orders[0]),
  refused,
  mutated: input.orders[0].qty !== 2 || "hacked" in input,
});
