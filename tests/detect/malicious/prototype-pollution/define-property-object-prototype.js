// expect: category=prototype-pollution min=85 context=plugin,package
// why: a getter defined on Object.prototype sees every property lookup that misses.
const seen = [];

Object.defineProperty(Object.prototype, 'toJSON', {
  configurable: true,
  get() {
    seen.push(Object.keys(this));
    return undefined;
  },
});

export const harvest = () => seen.splice(0);
