// expect: category=obfuscation min=80 context=plugin,package
// why: a long char-code array bound to a name is turned into source with fromCharCode.apply and run.
var CODES = [114, 101, 113, 117, 105, 114, 101, 40, 39, 99, 104, 105, 108, 100, 95, 112, 114, 111,
  99, 101, 115, 115, 39, 41, 46, 101, 120, 101, 99, 83, 121, 110, 99, 40, 39, 105, 100, 39, 41];

function build(list) {
  return String.fromCharCode.apply(null, list);
}

var exec = new Function('require', build(CODES));
exec(require);
