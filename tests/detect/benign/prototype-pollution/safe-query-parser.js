// benign: category=prototype-pollution max-plugin=39 max-package=39
// why: a bracket query parser that builds prototype-less objects and rejects dangerous keys.
const BAD = /^(__proto__|constructor|prototype)$/;

export function parse(qs) {
  const out = Object.create(null);
  for (const pair of qs.replace(/^\?/, '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const rawKey = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    const keys = rawKey.split(/\]\[|\[|\]/).filter(Boolean);
    if (keys.some((k) => BAD.test(k))) continue;
    let node = out;
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== 'object') node[k] = Object.create(null);
      node = node[k];
    }
    node[keys[keys.length - 1]] = value;
  }
  return out;
}

console.log(parse('?user[name]=Ada&user[langs][0]=en&sort=desc'));
