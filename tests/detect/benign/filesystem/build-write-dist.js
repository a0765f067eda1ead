// benign: category=filesystem max-plugin=100 max-package=79
// why: a build script reads src/ and writes minified copies to dist/ inside the project.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

function strip(code) {
  return code
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\n{2,}/g, '\n');
}

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });

for (const file of fs.readdirSync(src).filter((f) => f.endsWith('.js'))) {
  const code = fs.readFileSync(path.join(src, file), 'utf8');
  fs.writeFileSync(path.join(dist, file), strip(code));
  console.log(`built ${file}`);
}
