// benign: category=module-loading max-plugin=100 max-package=79
// why: a file watcher uses a native helper when installed and falls back to polling otherwise.
let native = null;
try {
  native = require('fsevents');
} catch (_) {
  native = null;
}

const fs = require('fs');

function watch(dir, onChange) {
  if (native) {
    const stop = native.watch(dir, (file) => onChange(file));
    return () => stop();
  }
  const watcher = fs.watch(dir, { recursive: true }, (_event, file) => onChange(file));
  return () => watcher.close();
}

module.exports = { watch, usingNative: Boolean(native) };
