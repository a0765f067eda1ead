// sample: Escape: new Function from a string
// run-options: --force
// expect-outcome: error
// expect-blocked: code-generation@10
// expect-verdict: block
// expect-findings: function-constructor
//
// Uncaught, the refusal ends the run with an error that names the blocked capability.
const add = (a, b) => a + b;
const sneaky = new Function("a", "b", "return a + b + (globalThis.process ? 1 : 0)");
sneaky(1, 2);
