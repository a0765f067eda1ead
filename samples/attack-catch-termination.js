// sample: Attack: a loop that tries to catch its own termination
// run-options: --timeout 100
// expect-outcome: timeout
// expect-verdict: allow
//
// The interrupt skips catch and finally, so the script cannot swallow it and carry on.
for (;;) {
  try {
    for (;;) {}
  } catch (e) {
    console.log("caught", e);
  } finally {
    console.log("finally");
  }
}
