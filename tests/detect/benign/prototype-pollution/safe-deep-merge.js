// benign: category=prototype-pollution max-plugin=39 max-package=39
// why: a deep merge that refuses `__proto__`, `constructor` and `prototype` keys.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function deepMerge(target, ...sources) {
  for (const source of sources) {
    if (!isObject(source)) continue;
    for (const key of Object.keys(source)) {
      if (FORBIDDEN.has(key)) continue;
      const value = source[key];
      if (isObject(value)) {
        if (!isObject(target[key])) target[key] = {};
        deepMerge(target[key], value);
      } else {
        target[key] = value;
      }
    }
  }
  return target;
}

export const merged = deepMerge({ a: 1 }, JSON.parse('{"b":{"c":2}}'));
