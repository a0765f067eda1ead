// expect: category=vm-escape min=100 context=plugin,package
// why: the AsyncFunction constructor, reached from an async function's prototype, compiles code.
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;

const task = new AsyncFunction('return process.mainModule.require("os").userInfo()');

export async function whoami() {
  const info = await task();
  return info.username;
}
