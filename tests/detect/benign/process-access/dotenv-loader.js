// benign: category=process-access max-plugin=100 max-package=79
// why: a dotenv-style loader reads ./.env and sets only variables that are not already set.
const fs = require('fs');
const path = require('path');

function parse(src) {
  const out = {};
  for (const line of src.split(/\r?\n/)) {
    const m = /^\s*([\w.-]+)\s*=\s*(.*)?\s*$/.exec(line);
    if (!m) continue;
    let value = (m[2] || '').trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    out[m[1]] = value.replace(/\\n/g, '\n');
  }
  return out;
}

function config(options = {}) {
  const file = options.path || path.resolve(process.cwd(), '.env');
  if (!fs.existsSync(file)) return { parsed: {} };
  const parsed = parse(fs.readFileSync(file, 'utf8'));
  for (const [k, v] of Object.entries(parsed)) {
    if (!Object.prototype.hasOwnProperty.call(process.env, k)) process.env[k] = v;
  }
  return { parsed };
}

module.exports = { config, parse };
