// sample: Attack: a console flood
// expect-outcome: ok
// expect-value: 50000
// expect-console: console output truncated
// expect-verdict: allow
//
// Fifty thousand lines: the console keeps the first 10,000 (or 1 MiB) and marks the
// rest as truncated; the host never buffers the flood.
let i = 0;
for (; i < 50000; i++) console.log("line " + i + " " + "=".repeat(40));
i;
