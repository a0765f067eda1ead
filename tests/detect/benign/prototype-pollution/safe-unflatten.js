// benign: category=prototype-pollution max-plugin=39 max-package=39
// why: an unflatten helper that only writes own keys of null-prototype objects and skips unsafe ones.
const UNSAFE = ['__proto__', 'constructor', 'prototype'];

export function unflatten(flat, sep = '.') {
  const result = Object.create(null);
  for (const [dotted, value] of Object.entries(flat)) {
    const parts = dotted.split(sep);
    if (parts.some((p) => UNSAFE.includes(p))) continue;
    let cur = result;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i];
      if (!Object.prototype.hasOwnProperty.call(cur, p)) cur[p] = Object.create(null);
      cur = cur[p];
    }
    cur[parts[parts.length - 1]] = value;
  }
  return result;
}

export const settings = unflatten({ 'server.port': 8080, 'server.host': 'localhost' });
