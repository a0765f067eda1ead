// benign: category=process-access max-plugin=79 max-package=39
// why: an isomorphic library detects its runtime with typeof checks; it reads only version fields.
export const isNode =
  typeof process !== 'undefined' && process.versions != null && process.versions.node != null;

export const isBrowser = typeof window !== 'undefined' && typeof window.document !== 'undefined';

export const isWebWorker =
  typeof self === 'object' && self.constructor && self.constructor.name === 'DedicatedWorkerGlobalScope';

export const isDeno = typeof Deno !== 'undefined' && typeof Deno.version !== 'undefined';

export function runtimeName() {
  if (isNode) return `node ${process.versions.node}`;
  if (isDeno) return `deno ${Deno.version.deno}`;
  if (isWebWorker) return 'web worker';
  if (isBrowser) return 'browser';
  return 'unknown';
}
