// expect: category=prototype-pollution min=85 context=plugin,package
// why: an unflatten utility turns dotted keys into nested objects; the input carries `__proto__.x`.
function unflatten(flat) {
  const result = {};
  Object.keys(flat).forEach((dotted) => {
    const parts = dotted.split('.');
    let cur = result;
    parts.slice(0, -1).forEach((p) => {
      if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
      cur = cur[p];
    });
    cur[parts[parts.length - 1]] = flat[dotted];
  });
  return result;
}

const cfg = unflatten({ 'db.host': 'localhost', '__proto__.polluted': 'yes' });
module.exports = cfg;
