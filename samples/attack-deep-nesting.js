// sample: Attack: a 10,000-deep nested array as the result
// expect-outcome: ok
// expect-verdict: allow
//
// Converting the value back to the host is bounded in depth, so this cannot overflow the
// host's stack.
let deep = [];
for (let i = 0; i < 10000; i++) deep = [deep];
deep;
