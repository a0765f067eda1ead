// expect: category=vm-escape min=100 context=plugin,package
// why: a Symbol.toPrimitive hook makes host code throw; the caught error climbs to Function.
const hostile = {
  [Symbol.toPrimitive]() {
    return Symbol('not coercible');
  },
};

function provoke() {
  try {
    return new Date(hostile).toISOString() + `${hostile}`;
  } catch (err) {
    return err;
  }
}

const err = provoke();
const Fn = err.constructor.constructor;
const proc = Fn('return process')();

export const env = proc.env;
