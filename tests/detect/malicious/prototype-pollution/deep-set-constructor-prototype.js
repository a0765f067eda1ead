// expect: category=prototype-pollution min=85 context=plugin,package
// why: a deep-set helper is called with a `constructor.prototype` path.
function setPath(target, path, value) {
  const keys = Array.isArray(path) ? path : path.split('.');
  let obj = target;
  while (keys.length > 1) {
    const k = keys.shift();
    if (obj[k] === undefined) obj[k] = {};
    obj = obj[k];
  }
  obj[keys[0]] = value;
  return target;
}

setPath({}, 'constructor.prototype.allowUnsafe', true);
export default setPath;
