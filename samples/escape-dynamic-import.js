// sample: Escape: dynamic import()
// run-options: --force
// expect-outcome: error
// expect-blocked: module-loading@8
// expect-verdict: block
//
// There is no module loader: the promise rejects and the attempt is recorded.
import("fs").then((fs) => fs.readFileSync("/etc/shadow"));
