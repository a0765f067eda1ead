// benign: category=process-access max-plugin=79 max-package=39
// why: a scheduling shim prefers process.nextTick when it exists and falls back to microtasks.
const hasNextTick = typeof process === 'object' && process !== null && typeof process.nextTick === 'function';

export const nextTick = hasNextTick
  ? (fn, ...args) => process.nextTick(fn, ...args)
  : (fn, ...args) => Promise.resolve().then(() => fn(...args));

export function defer(fn) {
  let done = false;
  nextTick(() => {
    if (!done) fn();
  });
  return () => {
    done = true;
  };
}
