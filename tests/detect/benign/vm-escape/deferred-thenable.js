// benign: category=vm-escape max-plugin=39 max-package=39
// why: a deferred exposes a thenable whose `then` forwards to a real promise's resolvers.
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    resolve,
    reject,
    then(onFulfilled, onRejected) {
      return promise.then(onFulfilled, onRejected);
    },
  };
}

export async function withTimeout(task, ms) {
  const d = deferred();
  const timer = setTimeout(() => d.reject(new Error(`timed out after ${ms} ms`)), ms);
  Promise.resolve(task).then(d.resolve, d.reject).finally(() => clearTimeout(timer));
  return d;
}
