// benign: category=child-process max-plugin=100 max-package=79
// why: a monorepo tool runs a named npm script in each workspace, without a shell.
import { spawn } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(dir, script) {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', script, '--if-present'], { cwd: dir, stdio: 'inherit' });
    child.on('close', (code) => resolve(code));
  });
}

export async function runEverywhere(script, root = 'packages') {
  const failures = [];
  for (const name of readdirSync(root)) {
    const dir = path.join(root, name);
    if (!existsSync(path.join(dir, 'package.json'))) continue;
    if ((await run(dir, script)) !== 0) failures.push(name);
  }
  return failures;
}
