// benign: category=child-process max-plugin=100 max-package=79
// why: a pre-commit helper lists staged files with git and lints them with the local eslint.
const { execFileSync } = require('child_process');

function stagedFiles() {
  const out = execFileSync('git', ['diff', '--cached', '--name-only', '--diff-filter=ACM'], {
    encoding: 'utf8',
  });
  return out.split('\n').filter((f) => /\.(js|ts)x?$/.test(f));
}

function lint(files) {
  if (files.length === 0) return 0;
  try {
    execFileSync('npx', ['--no-install', 'eslint', '--max-warnings=0', ...files], { stdio: 'inherit' });
    return 0;
  } catch (e) {
    return e.status || 1;
  }
}

process.exitCode = lint(stagedFiles());
