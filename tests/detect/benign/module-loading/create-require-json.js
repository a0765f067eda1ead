// benign: category=module-loading max-plugin=100 max-package=79
// why: an ES module uses createRequire(import.meta.url) to read its own package.json.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require('./package.json');

export const userAgent = `${pkg.name}/${pkg.version} (+${pkg.homepage || 'https://example.com'})`;

export function banner() {
  return `${pkg.name} v${pkg.version} — ${pkg.description || ''}`.trim();
}
