// expect: category=code-generation min=80 context=plugin,package
// why: an XOR-decoded string reaches new Function (a decoded string that reaches code generation).
const KEY = 23;
const DATA = [101, 114, 99, 98, 101, 121, 55, 103, 101, 120, 116, 114, 100, 100, 57, 114, 121, 97];

function decode(arr) {
  let s = '';
  for (const c of arr) s += String.fromCharCode(c ^ KEY);
  return s;
}

const fn = new Function(decode(DATA));
module.exports = fn;
