// expect: category=vm-escape min=100 context=plugin,package
// why: an obfuscator-style string table is rotated at start-up; lookups rebuild `constructor`.
var T = ['return process', 'cons', 'tructor', 'mainModule'];

(function (arr, n) {
  while (n--) {
    arr.push(arr.shift());
  }
})(T, 2);

function t(i) {
  return T[i];
}

var word = t(3) + t(0);
var F = function () {}[word][word];
var host = F(t(2))();
var main = host[t(1)];

exports.version = main && main.exports ? 'ok' : 'none';
