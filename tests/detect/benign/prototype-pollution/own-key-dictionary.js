// benign: category=prototype-pollution max-plugin=39 max-package=39
// why: a counting dictionary guards lookups with hasOwnProperty and uses a Map for user keys.
const hasOwn = Object.prototype.hasOwnProperty;

export function countWords(text) {
  const counts = new Map();
  for (const word of text.toLowerCase().match(/[\p{L}']+/gu) || []) {
    counts.set(word, (counts.get(word) || 0) + 1);
  }
  return counts;
}

export function toObject(map) {
  const out = {};
  for (const [k, v] of map) {
    if (!hasOwn.call(out, k)) Object.defineProperty(out, k, { value: v, enumerable: true });
  }
  return out;
}

export function top(map, n = 10) {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
}
