// benign: category=prototype-pollution max-plugin=39 max-package=39
// why: a path-walking getter that only reads, stopping at own properties.
export function get(obj, path, fallback) {
  const keys = Array.isArray(path) ? path : String(path).replace(/\[(\d+)\]/g, '.$1').split('.');
  let cur = obj;
  for (const k of keys) {
    if (cur == null || !Object.prototype.hasOwnProperty.call(cur, k)) return fallback;
    cur = cur[k];
  }
  return cur === undefined ? fallback : cur;
}

export function pick(obj, paths) {
  return Object.fromEntries(paths.map((p) => [p, get(obj, p)]));
}

console.log(get({ a: { b: [{ c: 3 }] } }, 'a.b[0].c'));
