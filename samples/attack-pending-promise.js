// sample: Attack: a promise that can never settle
// expect-outcome: pending
// expect-verdict: allow
//
// Nothing can ever resolve it, so the run reports pending instead of waiting.
new Promise(() => {});
