// benign: category=module-loading max-plugin=100 max-package=79
// why: a build step finds a dependency's asset folder through require.resolve of its package.json.
const path = require('path');
const fs = require('fs');

function packageDir(name) {
  return path.dirname(require.resolve(`${name}/package.json`));
}

function copyFonts(dest) {
  const src = path.join(packageDir('@fontsource/inter'), 'files');
  fs.mkdirSync(dest, { recursive: true });
  for (const f of fs.readdirSync(src).filter((n) => n.endsWith('.woff2'))) {
    fs.copyFileSync(path.join(src, f), path.join(dest, f));
  }
}

copyFonts(path.resolve('dist/fonts'));
