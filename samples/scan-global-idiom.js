// sample: Scanner: the well-known global idiom gets a low, explained score
// expect-verdict: allow
// expect-findings: function-global-idiom
//
// Older libraries find the global object with Function('return this')(). It builds code
// from a constant string that only returns `this`, so the scanner explains it instead of
// blocking it.
var root = Function("return this")();
typeof root;
