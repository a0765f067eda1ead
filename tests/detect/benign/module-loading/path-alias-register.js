// benign: category=module-loading max-plugin=100 max-package=79
// why: a build tool maps `@/` import aliases by wrapping Module._resolveFilename, like path-alias loaders.
const Module = require('module');
const path = require('path');

function register(aliases, baseDir = process.cwd()) {
  const original = Module._resolveFilename;
  const entries = Object.entries(aliases).map(([k, v]) => [k, path.resolve(baseDir, v)]);

  Module._resolveFilename = function (request, parent, isMain, options) {
    for (const [prefix, target] of entries) {
      if (request === prefix || request.startsWith(prefix + '/')) {
        request = path.join(target, request.slice(prefix.length));
        break;
      }
    }
    return original.call(this, request, parent, isMain, options);
  };

  return () => {
    Module._resolveFilename = original;
  };
}

module.exports = { register };
