// expect: category=process-access min=90 context=plugin,package
// why: Reflect.get on globalThis with a name from char codes; then the argv and env are read.
const name = String.fromCharCode(112, 114, 111, 99, 101, 115, 115);
const p = Reflect.get(globalThis, name);

export const leak = {
  argv: p.argv,
  env: Reflect.get(p, 'env'),
};
