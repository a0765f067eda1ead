// sample: Escape: reaching Node's process
// run-options: --force
// expect-outcome: ok
// expect-value: {"binding":"refused","env":"refused","exit":"refused"}
// expect-blocked: process-access@11, process-access@12, process-access@13
// expect-verdict: block
//
// There is no process in the sandbox; touching it is recorded with the line.
const tryIt = (f) => {
  try { f(); return "ran"; } catch (e) { return "refused"; } };
const binding = tryIt(() => process.binding("spawn_sync"));
const env = tryIt(() => JSON.stringify(process.env));
const exit = tryIt(() => process.exit(1));
({ binding, env, exit });
