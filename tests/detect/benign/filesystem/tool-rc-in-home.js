// benign: category=filesystem max-plugin=100 max-package=79
// why: a CLI reads its own dotfile from the home directory, joined at run time.
const fs = require('fs');
const os = require('os');
const path = require('path');

const RC_NAME = '.wordcountrc';

function loadRc() {
  const candidates = [path.join(process.cwd(), RC_NAME), path.join(os.homedir(), RC_NAME)];
  for (const file of candidates) {
    if (fs.existsSync(file)) {
      try {
        return { file, config: JSON.parse(fs.readFileSync(file, 'utf8')) };
      } catch (e) {
        console.warn(`ignoring ${file}: ${e.message}`);
      }
    }
  }
  return { file: null, config: {} };
}

module.exports = { loadRc };
