// expect: category=prototype-pollution min=85 context=plugin,package
// why: Object.assign copies attacker fields onto Object.prototype.
const overrides = { env: { NODE_OPTIONS: '--require /tmp/x.js' }, shell: true };

Object.assign(Object.prototype, overrides);

module.exports = function spawnDefaults() {
  return {}; // every fresh options object now carries `shell` and `env`
};
