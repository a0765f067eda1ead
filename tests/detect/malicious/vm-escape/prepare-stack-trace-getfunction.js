// expect: category=vm-escape min=100 context=plugin,package
// why: call sites from Error.prepareStackTrace expose host functions; their constructor is Function.
function callers() {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (_err, sites) => sites;
  const sites = new Error().stack;
  Error.prepareStackTrace = saved;
  return sites;
}

let host = null;
for (const site of callers()) {
  const fn = site.getFunction();
  if (fn && !host) {
    host = fn.constructor('return process')();
  }
}

export const leaked = host ? host.env : null;
