// sample: Plugin: read the frozen `input` global
// run-options: --input {"orders":[{"id":1,"qty":2,"price":5},{"id":2,"qty":1,"price":30}],"currency":"EUR"}
// expect-outcome: ok
// expect-value: {"count":2,"total":40,"currency":"EUR","frozen":true,"mutated":false}
// expect-blocked: none
// expect-verdict: allow
//
// `--input JSON` becomes a deeply frozen global. The plugin can read it but a write
// neither throws in sloppy code nor changes anything.
const total = input.orders.reduce((sum, o) => sum + o.qty * o.price, 0);
input.orders[0].qty = 1000;
input.hacked = true;
({
  count: input.orders.length,
  total,
  currency: input.currency,
  frozen: Object.isFrozen(input) && Object.isFrozen(input.orders[0]),
  mutated: input.orders[0].qty !== 2 || "hacked" in input,
});
