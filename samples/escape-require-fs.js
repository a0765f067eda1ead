// sample: Escape: reading and writing files with require('fs')
// run-options: --force
// expect-outcome: error
// expect-blocked: filesystem@10
// expect-verdict: block
// expect-findings: fs-access, sensitive-path
//
// The module does not exist in the sandbox; the error says so and the run stops here,
// before any write.
const fs = require("fs");
const secret = fs.readFileSync("/etc/passwd", "utf8");
fs.writeFileSync("/tmp/pwned", secret);
