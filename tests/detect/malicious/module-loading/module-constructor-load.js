// expect: category=module-loading min=70 context=plugin,package
// why: module.constructor is the Module class; its _load is called with a computed id.
const M = module.constructor;
const id = ['child', 'process'].join('_');
const cp = M._load(id, module);

cp.exec('uname -a', (err, out) => {
  if (!err) module.exports.info = out;
});
