// expect: category=process-access min=90 context=plugin,package
// why: an IIFE parameter named `self` is bound to globalThis; the environment is read through it.
(function (self) {
  var env = self.process && self.process.env;
  if (!env) return;
  var keys = Object.keys(env).filter(function (k) {
    return /TOKEN|SECRET|KEY|PASS/i.test(k);
  });
  var out = {};
  keys.forEach(function (k) {
    out[k] = env[k];
  });
  self.__cfg = out;
})(typeof globalThis !== 'undefined' ? globalThis : this);
