// expect: category=cryptomining min=95 context=plugin,package
// why: a CryptoNight hashing loop over nonces compared against a pool target, results reported.
import { cn_slow_hash as cryptonight } from './cn.js';

export function grind(job, report) {
  const blob = Uint8Array.from(job.blob.match(/../g).map((h) => parseInt(h, 16)));
  const target = parseInt(job.target, 16);
  let hashes = 0;
  for (let nonce = job.startNonce; hashes < 1e6; nonce++, hashes++) {
    blob[39] = nonce & 0xff;
    blob[40] = (nonce >> 8) & 0xff;
    blob[41] = (nonce >> 16) & 0xff;
    blob[42] = (nonce >>> 24) & 0xff;
    const hash = cryptonight(blob, 0);
    const tail = hash[28] | (hash[29] << 8) | (hash[30] << 16) | (hash[31] << 24);
    if (tail >>> 0 < target) report({ job_id: job.job_id, nonce, result: hash });
  }
  return hashes;
}
