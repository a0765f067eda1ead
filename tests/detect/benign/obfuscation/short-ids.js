// benign: category=obfuscation max-plugin=39 max-package=39
// why: short ids and counters are rendered in base 36 with toString(36).
let counter = 0;

export function shortId(prefix = '') {
  const time = Date.now().toString(36);
  const rand = Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0');
  counter = (counter + 1) % 1296;
  return `${prefix}${time}${counter.toString(36).padStart(2, '0')}${rand}`;
}

export function decodeTime(id, prefix = '') {
  const t = id.slice(prefix.length, prefix.length + 8);
  return new Date(parseInt(t, 36));
}
