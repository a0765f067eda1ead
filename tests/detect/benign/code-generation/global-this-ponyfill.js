// benign: category=code-generation max-plugin=39 max-package=39
// why: the global object is found through a chain of conditionals and used for feature checks only.
function getGlobal() {
  if (typeof globalThis !== 'undefined') return globalThis;
  if (typeof self !== 'undefined') return self;
  if (typeof window !== 'undefined') return window;
  if (typeof global !== 'undefined') return global;
  return {};
}

const root = getGlobal();

export const features = {
  promise: typeof root.Promise === 'function',
  weakRef: typeof root.WeakRef === 'function',
  intl: typeof root.Intl === 'object',
  structuredClone: typeof root.structuredClone === 'function',
};

export const queueTask =
  typeof root.queueMicrotask === 'function'
    ? root.queueMicrotask.bind(root)
    : (fn) => Promise.resolve().then(fn);
