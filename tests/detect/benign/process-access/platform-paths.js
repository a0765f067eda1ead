// benign: category=process-access max-plugin=100 max-package=79
// why: a build helper picks executable names and separators from process.platform.
const path = require('path');

const isWindows = process.platform === 'win32';

function binName(name) {
  return isWindows ? `${name}.cmd` : name;
}

function localBin(root, name) {
  return path.join(root, 'node_modules', '.bin', binName(name));
}

function pathWith(dir) {
  const key = isWindows ? 'Path' : 'PATH';
  return { [key]: [dir, process.env[key] || ''].join(path.delimiter) };
}

module.exports = { binName, localBin, pathWith, isWindows };
