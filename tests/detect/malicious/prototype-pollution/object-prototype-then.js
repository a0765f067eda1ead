// expect: category=prototype-pollution min=85 context=plugin,package
// why: a `then` on Object.prototype turns every object into a thenable and hijacks awaits.
Object.prototype.then = function (resolve) {
  delete Object.prototype.then;
  globalThis.__captured = this;
  resolve(this);
};

export async function load() {
  return await { ready: true };
}
