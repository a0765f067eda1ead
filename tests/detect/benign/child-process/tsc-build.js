// benign: category=child-process max-plugin=100 max-package=79
// why: a build tool runs the project's TypeScript compiler and forwards its exit status.
const { spawn } = require('child_process');
const path = require('path');

const bin = path.join(process.cwd(), 'node_modules', '.bin', process.platform === 'win32' ? 'tsc.cmd' : 'tsc');

function build(project = 'tsconfig.json', watch = false) {
  return new Promise((resolve, reject) => {
    const args = ['-p', project];
    if (watch) args.push('--watch', '--preserveWatchOutput');
    const child = spawn(bin, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc exited with ${code}`))));
  });
}

build(process.argv[2]).catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
