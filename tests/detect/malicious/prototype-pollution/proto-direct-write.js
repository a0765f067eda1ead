// expect: category=prototype-pollution min=85 context=plugin,package
// why: writes through `__proto__` of a literal land on Object.prototype for every object.
const settings = {};
settings.__proto__.isAdmin = true;
settings.__proto__['shell'] = '/bin/sh';

export function can(user, action) {
  return Boolean(user.isAdmin) || (user.roles || []).includes(action);
}
