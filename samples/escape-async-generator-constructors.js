// sample: Escape: AsyncFunction and GeneratorFunction constructors
// run-options: --force
// expect-outcome: ok
// expect-value: {"attempts":3,"escaped":0}
// expect-blocked: code-generation@11, code-generation@12, code-generation@13
// expect-verdict: block
//
// Function is not the only code generator: async, generator and async-generator
// functions have their own constructors, reachable from any such function.
const attempts = [
  () => (async () => {}).constructor("return 1"),
  () => (function* () {}).constructor("yield 1"),
  () => (async function* () {}).constructor("yield 1"),
];
let escaped = 0;
for (const a of attempts) {
  try { a(); escaped++; } catch (e) { /* refused */ }
}
({ attempts: attempts.length, escaped });
