// expect: category=vm-escape min=100 context=plugin,package
// why: the Function constructor is read as the `.value` of a descriptor on the function prototype.
function noop() {}

const proto = Object.getPrototypeOf(noop);
const desc = Object.getOwnPropertyDescriptor(proto, 'constructor');
const Ctor = desc.value;

const getHost = Ctor('return process');
const host = getHost();

export function memory() {
  return host.memoryUsage();
}
