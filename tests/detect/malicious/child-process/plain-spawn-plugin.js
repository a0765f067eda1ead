// expect: category=child-process min=95 context=plugin
// why: a sandboxed plugin starts a host process; in the plugin context that is the threat itself.
const { spawnSync } = require('child_process');

export default function listFiles(input) {
  const r = spawnSync('ls', ['-la', input.dir || '.'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}
