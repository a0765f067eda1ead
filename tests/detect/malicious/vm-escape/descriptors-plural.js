// expect: category=vm-escape min=100 context=plugin,package
// why: getOwnPropertyDescriptors of a prototype from Reflect.getPrototypeOf; `.constructor.value` is Function.
const arrow = () => 0;
const all = Object.getOwnPropertyDescriptors(Reflect.getPrototypeOf(arrow));
const { value: Compile } = all.constructor;

const run = Compile('return process.mainModule.require("os").hostname()');

export function host() {
  return run();
}
