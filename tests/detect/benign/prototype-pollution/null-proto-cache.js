// benign: category=prototype-pollution max-plugin=39 max-package=39
// why: a memo cache built on Object.create(null) and setPrototypeOf(…, null) for lookup speed.
export function memoize(fn) {
  const cache = Object.create(null);
  return function (key) {
    if (key in cache) return cache[key];
    const value = fn(key);
    cache[key] = value;
    return value;
  };
}

export function freezeTable(entries) {
  const table = Object.fromEntries(entries);
  Object.setPrototypeOf(table, null);
  return Object.freeze(table);
}

export const slug = memoize((s) => s.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-'));
