// expect: category=vm-escape min=100 context=plugin,package
// why: a Proxy trap makes host code throw a TypeError; the catch clause destructures and climbs it.
const trap = new Proxy(
  {},
  {
    ownKeys() {
      return [Symbol('x'), 1];
    },
  }
);

let proc = null;
try {
  Object.keys(trap);
} catch ({ constructor: ErrorCtor }) {
  proc = ErrorCtor.constructor('return process')();
}

module.exports = proc && proc.versions;
