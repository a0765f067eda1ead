// benign: category=code-generation max-plugin=79 max-package=39
// why: a Worker is started from a static module file next to this one; no source is built.
export function createResizer() {
  const worker = new Worker(new URL('./resize.worker.js', import.meta.url), { type: 'module' });
  let seq = 0;
  const pending = new Map();
  worker.onmessage = (e) => {
    const { id, result, error } = e.data;
    const p = pending.get(id);
    pending.delete(id);
    if (p) (error ? p.reject(new Error(error)) : p.resolve(result));
  };
  return {
    resize(bitmap, width, height) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, bitmap, width, height }, [bitmap]);
      });
    },
    close: () => worker.terminate(),
  };
}
