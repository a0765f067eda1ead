// benign: category=module-loading max-plugin=100 max-package=79
// why: a dev server drops a changed file from require.cache so the next require reloads it.
const fs = require('fs');
const path = require('path');

function reloadable(file) {
  const abs = path.resolve(file);
  let current = require(abs);
  fs.watch(abs, () => {
    delete require.cache[require.resolve(abs)];
    try {
      current = require(abs);
      console.log(`[dev] reloaded ${path.basename(abs)}`);
    } catch (e) {
      console.error(`[dev] reload failed: ${e.message}`);
    }
  });
  return (...args) => current(...args);
}

module.exports = { reloadable };
