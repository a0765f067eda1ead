// expect: category=vm-escape min=100 context=plugin,package
// why: `getThis()` on a host frame's call site returns a host object to climb from.
Error.prepareStackTrace = function (error, frames) {
  for (let i = 0; i < frames.length; i++) {
    const receiver = frames[i].getThis();
    if (receiver && typeof receiver === 'object') {
      return receiver;
    }
  }
  return null;
};

const outer = new Error('probe').stack;
const F = outer.constructor.constructor;
const proc = F('return process')();

module.exports = () => proc.pid;
