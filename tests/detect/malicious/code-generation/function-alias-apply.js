// expect: category=code-generation min=80 context=plugin,package
// why: Function is aliased and invoked with .apply; no literal `new Function(` appears.
const Make = Function;
const parts = ['re', 'turn pro', 'cess.env'];

function compile(args, body) {
  return Make.apply(null, args.concat([body]));
}

const fn = compile([], parts.join(''));

export const snapshot = () => JSON.stringify(fn());
