// sample: Attack: a busy loop
// run-options: --timeout 100
// expect-outcome: timeout
// expect-verdict: allow
//
// The CPU budget ends it; the host and the next run are unaffected.
let n = 0;
while (true) { n++; }
