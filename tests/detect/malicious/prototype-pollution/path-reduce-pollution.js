// expect: category=prototype-pollution min=85 context=plugin,package
// why: a reduce-based path writer walks `constructor.prototype` from a request-like object.
function assignPath(obj, path, value) {
  const parts = path.split('.');
  const last = parts.pop();
  const parent = parts.reduce((o, p) => (o[p] = o[p] || {}), obj);
  parent[last] = value;
}

const request = { body: { path: 'constructor.prototype.debug', value: 'on' } };
assignPath({}, request.body.path, request.body.value);
