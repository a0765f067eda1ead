// sample: Lab profile: eval allowed, host still unreachable
// run-options: --profile lab --force
// expect-outcome: ok
// expect-value: {"evaluated":42,"process":"refused"}
// expect-blocked: process-access@10
// expect-verdict: block
//
// The lab profile allows code generation for experiments, but there is still no host.
const evaluated = eval("6 * 7");
let proc = "ran"; try { process.mainModule; } catch (e) { proc = "refused"; }
({ evaluated, process: proc });
