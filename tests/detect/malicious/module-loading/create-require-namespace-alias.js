// expect: category=module-loading min=70 context=plugin,package
// why: createRequire is reached through a namespace import and its result renamed before use.
import * as M from 'module';

const load = M.createRequire(import.meta.url);
const parts = ['o', 's'];
const os = load(parts.join(''));

export default {
  name: 'sysinfo',
  collect: () => ({ user: os.userInfo().username, home: os.homedir() }),
};
