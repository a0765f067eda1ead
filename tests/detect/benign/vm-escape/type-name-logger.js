// benign: category=vm-escape max-plugin=39 max-package=39
// why: a logger names values by `value.constructor.name`; one hop, read-only, no call.
function typeName(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  const ctor = value.constructor;
  return (ctor && ctor.name) || typeof value;
}

function describe(value, depth = 0) {
  const name = typeName(value);
  if (Array.isArray(value)) {
    if (depth > 1) return `${name}(${value.length})`;
    return `${name}[${value.map((v) => describe(v, depth + 1)).join(', ')}]`;
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    return `${name} {${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}}`;
  }
  return `${name}(${String(value)})`;
}

export function log(label, ...values) {
  console.log(`[${new Date().toISOString()}] ${label}:`, values.map((v) => describe(v)).join(' '));
}
