// expect: category=cryptomining min=95 context=plugin,package
// why: double SHA-256 over a block header with an incrementing nonce until under target, then submit.
const crypto = require('crypto');

const sha256d = (b) => crypto.createHash('sha256').update(crypto.createHash('sha256').update(b).digest()).digest();

function mine(header, target, send) {
  const buf = Buffer.from(header, 'hex');
  for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
    buf.writeUInt32LE(nonce, 76);
    const h = sha256d(buf).reverse();
    if (h.compare(target) < 0) {
      send({ method: 'mining.submit', params: ['worker', header.slice(0, 8), nonce.toString(16)] });
      return nonce;
    }
  }
  return -1;
}

module.exports = mine;
