// benign: category=filesystem max-plugin=100 max-package=79
// why: a logger appends to ./logs/app.log and rotates it when it grows past a size.
const fs = require('fs');
const path = require('path');

const dir = path.resolve('logs');
const file = path.join(dir, 'app.log');
const MAX = 5 * 1024 * 1024;
const KEEP = 3;

function rotate() {
  for (let i = KEEP - 1; i >= 1; i--) {
    const from = `${file}.${i}`;
    if (fs.existsSync(from)) fs.renameSync(from, `${file}.${i + 1}`);
  }
  fs.renameSync(file, `${file}.1`);
}

function log(level, msg) {
  fs.mkdirSync(dir, { recursive: true });
  if (fs.existsSync(file) && fs.statSync(file).size > MAX) rotate();
  fs.appendFileSync(file, `${new Date().toISOString()} ${level.toUpperCase()} ${msg}\n`);
}

module.exports = { log };
