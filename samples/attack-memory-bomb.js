// sample: Attack: a memory bomb that catches out-of-memory and keeps going
// run-options: --memory 16 --timeout 1000
// expect-outcome: memory_limit
// expect-verdict: allow
//
// Out-of-memory is catchable in QuickJS; the script keeps allocating anyway. The limit
// holds, and the run ends as memory_limit, not as a crash of the host.
const hoard = [];
for (;;) {
  try {
    hoard.push("x".repeat(1 << 16) + hoard.length);
  } catch (e) {
    hoard.length = hoard.length;
  }
}
