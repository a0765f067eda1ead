// expect: category=process-access min=90 context=plugin,package
// why: a name table hides `binding` and the module it asks for; the call is by index.
const names = ['natives', 'binding', 'fs', 'open'];

function internal(i, j) {
  return process[names[i]](names[j]);
}

const rawFs = internal(1, 2);
export const fd = rawFs[names[3]]('/etc/hostname', 0, 0o444, undefined, undefined);
