// expect: category=vm-escape min=100 context=plugin,package
// why: the two-step constructor climb hides in a parameter pattern; the argument is a plain string.
function boot({ constructor: { constructor: factory } }, body) {
  return factory(body)();
}

const escaped = boot('', 'return process');
const env = escaped.env;

export function describe() {
  return Object.keys(env).length + ' variables';
}
