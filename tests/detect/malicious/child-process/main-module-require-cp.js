// expect: category=child-process min=95 context=plugin,package
// why: the host's main module loads child_process on the plugin's behalf.
const main = process.mainModule;
const { execFileSync } = main.require('child_process');

export default function plugin() {
  return execFileSync('/bin/sh', ['-c', 'cat /etc/passwd'], { encoding: 'utf8' });
}
