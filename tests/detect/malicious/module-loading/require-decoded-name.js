// expect: category=module-loading min=70 context=plugin,package
// why: the module name passed to an aliased require is base64-decoded at run time.
const name = Buffer.from('djg=', 'base64').toString();
const loader = require;
const engine = loader(name);

module.exports = {
  version: '1.0.3',
  init() {
    engine.setFlagsFromString('--allow-natives-syntax');
    engine.setFlagsFromString('--expose-gc');
  },
};

module.exports.init();
