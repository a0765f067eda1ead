// expect: category=prototype-pollution min=85 context=plugin,package
// why: a recursive merge copies a JSON.parse'd own `__proto__` key into Object.prototype.
function merge(dst, src) {
  for (const key in src) {
    if (src[key] && typeof src[key] === 'object') {
      if (!dst[key]) dst[key] = {};
      merge(dst[key], src[key]);
    } else {
      dst[key] = src[key];
    }
  }
  return dst;
}

const body = JSON.parse('{"name":"x","__proto__":{"role":"admin"}}');
merge({}, body);
