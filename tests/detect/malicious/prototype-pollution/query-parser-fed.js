// expect: category=prototype-pollution min=85 context=plugin,package
// why: a generic bracket-path query parser without key checks is fed a `__proto__` query.
function parseQuery(qs) {
  const out = {};
  for (const pair of qs.replace(/^\?/, '').split('&')) {
    const [rawKey, rawVal = ''] = pair.split('=');
    const keys = decodeURIComponent(rawKey).split(/\]\[|\[|\]/).filter(Boolean);
    let node = out;
    for (let i = 0; i < keys.length - 1; i++) {
      node[keys[i]] = node[keys[i]] || {};
      node = node[keys[i]];
    }
    node[keys[keys.length - 1]] = decodeURIComponent(rawVal);
  }
  return out;
}

parseQuery('?page=2&__proto__[isAdmin]=1&__proto__[role]=root');
export { parseQuery };
