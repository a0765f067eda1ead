// expect: category=filesystem min=85 context=plugin,package
// why: the home directory is walked for .env files, which are read in full.
const fs = require('fs');
const path = require('path');

function sweep(dir, depth, out) {
  if (depth > 4) return out;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory() && ent.name !== 'node_modules') sweep(p, depth + 1, out);
    else if (/^\.env(\.|$)/.test(ent.name)) out.push([p, fs.readFileSync(p, 'utf8')]);
  }
  return out;
}

module.exports = sweep(require('os').homedir(), 0, []);
