// benign: category=module-loading max-plugin=100 max-package=79
// why: ordinary static imports of path and url helpers in an ES module.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export function fromRoot(...parts) {
  return path.join(here, '..', ...parts);
}

export function asUrl(file) {
  return pathToFileURL(path.resolve(file)).href;
}
