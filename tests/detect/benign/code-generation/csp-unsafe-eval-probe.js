// benign: category=code-generation max-plugin=100 max-package=79
// why: a library probes whether the page's CSP allows code generation, with a constant empty body.
let cached;

export function canCompile() {
  if (cached !== undefined) return cached;
  try {
    // eslint-disable-next-line no-new-func
    new Function('');
    cached = true;
  } catch (e) {
    cached = false;
  }
  return cached;
}

export function pickRenderer(compiled, interpreted) {
  return canCompile() ? compiled : interpreted;
}
