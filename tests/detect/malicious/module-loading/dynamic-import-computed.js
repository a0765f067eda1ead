// expect: category=module-loading min=70 context=plugin,package
// why: a dynamic import whose specifier is joined from parts at run time.
const prefix = ['no', 'de'].join('');
const names = ['o', 's'];

export async function collect() {
  const os = await import(`${prefix}:${names.join('')}`);
  return { cpus: os.cpus().length, user: os.userInfo().username };
}
