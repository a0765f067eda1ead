// benign: category=filesystem max-plugin=100 max-package=79
// why: a downloader caches files under XDG_CACHE_HOME or ~/.cache/<tool>, created on demand.
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');

function cacheDir(tool) {
  const base =
    process.env.XDG_CACHE_HOME ||
    (process.platform === 'darwin'
      ? path.join(os.homedir(), 'Library', 'Caches')
      : path.join(os.homedir(), '.cache'));
  const dir = path.join(base, tool);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function cachePath(tool, url) {
  const key = crypto.createHash('sha1').update(url).digest('hex');
  return path.join(cacheDir(tool), key);
}

module.exports = { cacheDir, cachePath };
