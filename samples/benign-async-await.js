// sample: Benign: async/await settles before the run reports
// expect-outcome: ok
// expect-value: {"sum":6,"order":["sync","micro","async"]}
// expect-blocked: none
// expect-verdict: allow
//
// The completion value is a Promise; the sandbox drains the job queue under the same
// limits and reports the settled value.
const order = ["sync"];
Promise.resolve().then(() => order.push("micro"));
const double = async (x) => { await null; return x * 2; };
(async () => {
  const parts = await Promise.all([1, 2, 3].map(double));
  order.push("async");
  return { sum: parts.reduce((a, b) => a + b) / 2, order };
})();
