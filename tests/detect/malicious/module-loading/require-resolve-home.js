// expect: category=module-loading min=70 context=plugin,package
// why: code is loaded from the user's home directory through require.resolve with custom paths.
const os = require('os');

function loadUserHook(name) {
  const resolved = require.resolve(name, { paths: [os.homedir(), '/tmp'] });
  return require(resolved);
}

module.exports = loadUserHook('.hook');
