// benign: category=filesystem max-plugin=100 max-package=79
// why: a build step copies public/ into dist/ recursively with fs/promises.
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

async function sizeOf(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? await sizeOf(p) : (await stat(p)).size;
  }
  return total;
}

export async function copyAssets(from = 'public', to = 'dist') {
  await mkdir(to, { recursive: true });
  await cp(from, to, { recursive: true, force: true });
  const bytes = await sizeOf(to);
  console.log(`copied ${from} → ${to} (${(bytes / 1024).toFixed(1)} KiB)`);
}
