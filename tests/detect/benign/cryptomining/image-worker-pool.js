// benign: category=cryptomining max-plugin=79 max-package=39
// why: an image editor runs a WASM codec in a Worker pool sized to the CPU count.
const size = Math.min(4, navigator.hardwareConcurrency || 2);
const workers = Array.from({ length: size }, () => new Worker('/workers/codec.js', { type: 'module' }));
let next = 0;
let seq = 0;
const pending = new Map();

for (const w of workers) {
  w.onmessage = (e) => {
    const { id, data } = e.data;
    pending.get(id)?.(data);
    pending.delete(id);
  };
  w.postMessage({ init: '/wasm/webp-codec.wasm' });
}

export function encodeWebp(imageData, quality = 80) {
  const id = ++seq;
  const worker = workers[next++ % workers.length];
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ id, imageData, quality });
  });
}
