// expect: category=module-loading min=70 context=plugin,package
// why: Module._load bypasses require and any wrapper installed around it.
const Module = require('module');

const mods = ['os', 'net', 'dns'].map((id) => Module._load(id, null, false));
const [os, net] = mods;

module.exports = function probe() {
  const s = net.connect(8080, '203.0.113.20');
  s.end(os.hostname());
};
