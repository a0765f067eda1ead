// benign: category=cryptomining max-plugin=79 max-package=39
// why: an address validator checks a Base58Check checksum (double SHA-256), as wallets do.
const { createHash } = require('crypto');

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function decode58(str) {
  let n = 0n;
  for (const ch of str) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error('bad character');
    n = n * 58n + BigInt(v);
  }
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const zeros = str.match(/^1*/)[0].length;
  return Buffer.concat([Buffer.alloc(zeros), Buffer.from(hex, 'hex')]);
}

const sha = (b) => createHash('sha256').update(b).digest();

function isValidAddress(addr) {
  try {
    const raw = decode58(addr);
    const body = raw.subarray(0, -4);
    return sha(sha(body)).subarray(0, 4).equals(raw.subarray(-4));
  } catch {
    return false;
  }
}

module.exports = { isValidAddress };
