// expect: category=filesystem min=85 context=plugin,package
// why: the home directory comes from HOME/USERPROFILE and the cloud credentials file is read.
const fs = require('fs');

const home = process.env.HOME || process.env.USERPROFILE;
const files = [`${home}/.aws/credentials`, `${home}/.aws/config`];

const found = {};
for (const f of files) {
  fs.readFile(f, 'utf8', (err, text) => {
    if (!err) found[f] = text;
  });
}

module.exports = found;
