// benign: category=cryptomining max-plugin=79 max-package=39
// why: a release tool builds a Merkle root over file digests to sign one value.
const { createHash } = require('crypto');

const h = (data) => createHash('sha256').update(data).digest();

function merkleRoot(leaves) {
  if (leaves.length === 0) return h(Buffer.alloc(0));
  let level = leaves.map((l) => h(Buffer.concat([Buffer.from([0]), l])));
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1] || level[i];
      next.push(h(Buffer.concat([Buffer.from([1]), level[i], right])));
    }
    level = next;
  }
  return level[0];
}

module.exports = { merkleRoot };
