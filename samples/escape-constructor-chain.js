// sample: Escape: the constructor chain to Function
// run-options: --force
// expect-outcome: ok
// expect-value: {"attempts":4,"escaped":0}
// expect-blocked: code-generation@13, code-generation@14, code-generation@15, code-generation@16
// expect-verdict: block
//
// The classic vm escape: every object's constructor.constructor is Function, which
// compiles a string into code. Spelled plainly, with computed and escaped keys, and via
// an error object. In the strict profile each attempt is refused and recorded.
let escaped = 0;
const attempts = [
  () => this.constructor.constructor("return process")(),
  () => ({})["constr" + "uctor"]["constructor"]("return 1")(),
  () => []["\x63onstructor"]["\u0063onstructor"]("return 1")(),
  () => new Error("x").constructor.constructor("return globalThis")(),
];
for (const a of attempts) {
  try { a(); escaped++; } catch (e) { /* refused */ }
}
({ attempts: attempts.length, escaped });
