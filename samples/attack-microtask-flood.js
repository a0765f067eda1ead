// sample: Attack: an endless microtask chain
// run-options: --timeout 150
// expect-outcome: timeout
// expect-verdict: allow
//
// Every job queues another. The job queue is drained only until the deadline.
const spin = () => Promise.resolve().then(spin);
spin();
new Promise(() => {});
