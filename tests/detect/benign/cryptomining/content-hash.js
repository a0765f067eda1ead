// benign: category=cryptomining max-plugin=79 max-package=39
// why: a bundler names output files by a SHA-256 content hash of each chunk.
import { createHash } from 'node:crypto';

export function contentHash(code, length = 8) {
  return createHash('sha256').update(code).digest('hex').slice(0, length);
}

export function nameChunks(chunks) {
  const names = new Map();
  for (const chunk of chunks) {
    const hash = contentHash(chunk.code);
    names.set(chunk.id, `${chunk.name}.${hash}.js`);
  }
  return names;
}
