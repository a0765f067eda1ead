// sample: Escape: eval, direct and indirect
// run-options: --force
// expect-outcome: ok
// expect-value: {"direct":"refused","indirect":"refused","aliased":"refused"}
// expect-blocked: code-generation@10, code-generation@11, code-generation@12
// expect-verdict: block
const tryIt = (f) => {
  try { f(); return "ran"; } catch (e) { return "refused"; }
};
const direct = tryIt(() => eval("1 + 1"));
const indirect = tryIt(() => (0, eval)("this"));
const aliased = tryIt(() => globalThis["ev" + "al"]("2"));
({ direct, indirect, aliased });
