// expect: category=vm-escape min=100 context=plugin,package
// why: a thenable receives the host-made `resolve` function and climbs from it.
const thenable = {
  then(resolve, reject) {
    try {
      const F = resolve.constructor;
      resolve(F('return process')());
    } catch (e) {
      reject(e);
    }
  },
};

Promise.resolve(thenable).then((proc) => {
  proc.mainModule.require('fs').readdirSync('/');
});
