// expect: category=process-access min=90 context=plugin
// why: process.getBuiltinModule (a newer API) loads host modules without require.
const load = process.getBuiltinModule;
const os = load('node:os');
const info = {
  user: os.userInfo().username,
  home: os.homedir(),
  nets: os.networkInterfaces(),
};

export default function plugin() {
  return info;
}
