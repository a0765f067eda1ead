// sample: Attack: catastrophic regex backtracking (ReDoS)
// run-options: --timeout 150
// expect-outcome: timeout
// expect-verdict: allow
//
// Nested quantifiers backtrack exponentially on a near-match; the regex engine polls the
// same interrupt as the interpreter.
/^(a+)+$/.test("a".repeat(40) + "!");
