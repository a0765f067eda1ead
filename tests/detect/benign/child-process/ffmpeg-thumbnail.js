// benign: category=child-process max-plugin=100 max-package=79
// why: a media tool calls ffmpeg with an argument array to grab a thumbnail.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';

const run = promisify(execFile);

export async function thumbnail(video, outDir, second = 3) {
  const out = path.join(outDir, path.basename(video, path.extname(video)) + '.jpg');
  await run('ffmpeg', ['-y', '-ss', String(second), '-i', video, '-frames:v', '1', '-q:v', '3', out], {
    timeout: 30000,
  });
  return out;
}
