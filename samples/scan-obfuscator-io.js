// sample: Scanner: obfuscator.io style string array with hex names
// expect-verdict: review
// expect-findings: obfuscation-hex-names, obfuscation-string-array
//
// The shape obfuscator.io produces: a string array rotated by a push/shift loop, a
// decoder function, and every name replaced by _0x hex.
var _0x3f1a = ["log", "hello", "world", "join", "push", "shift"];
(function (_0x1b2c4d, _0x5e6f7a) {
  var _0x2a3b4c = function (_0x4d5e6f) {
    while (--_0x4d5e6f) {
      _0x1b2c4d["push"](_0x1b2c4d["shift"]());
    }
  };
  while (!![]) {
    _0x2a3b4c(++_0x5e6f7a);
    break;
  }
})(_0x3f1a, 0x1a3);
var _0x4c5d = function (_0x6a7b8c, _0x9d0e1f) {
  _0x6a7b8c = _0x6a7b8c - 0x0;
  var _0x7f8e9d = _0x3f1a[_0x6a7b8c];
  return _0x7f8e9d;
};
var _0x1c2d3e = [_0x4c5d("0x1"), _0x4c5d("0x2")];
var _0x5a6b7c = _0x1c2d3e[_0x4c5d("0x3")](" ");
_0x5a6b7c;
