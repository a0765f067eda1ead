// benign: category=vm-escape max-plugin=39 max-package=39
// why: a plain-object test compares prototypes and `constructor` against Object; nothing is called.
const toString = Object.prototype.toString;

export function isObjectLike(value) {
  return typeof value === 'object' && value !== null;
}

export function isPlainObject(value) {
  if (!isObjectLike(value) || toString.call(value) !== '[object Object]') {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === null) {
    return true;
  }
  const Ctor = Object.prototype.hasOwnProperty.call(proto, 'constructor') && proto.constructor;
  return typeof Ctor === 'function' && Ctor instanceof Ctor &&
    Function.prototype.toString.call(Ctor) === Function.prototype.toString.call(Object);
}

export function cloneShallow(value) {
  return isPlainObject(value) ? { ...value } : value;
}
