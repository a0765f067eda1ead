// benign: category=child-process max-plugin=100 max-package=79
// why: a CLI asks git for the current commit and branch with fixed argument arrays.
const { spawnSync } = require('child_process');

function git(args, cwd = process.cwd()) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) return null;
  return r.stdout.trim();
}

function repoInfo(cwd) {
  return {
    commit: git(['rev-parse', '--short', 'HEAD'], cwd),
    branch: git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd),
    dirty: (git(['status', '--porcelain'], cwd) || '').length > 0,
  };
}

module.exports = { repoInfo };
