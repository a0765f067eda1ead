// benign: category=code-generation max-plugin=39 max-package=39
// why: configuration is read with JSON.parse and a reviver; strings never become code.
const DURATION = /^(\d+)(ms|s|m|h)$/;
const UNIT = { ms: 1, s: 1000, m: 60000, h: 3600000 };

export function parseConfig(text) {
  return JSON.parse(text, (key, value) => {
    if (typeof value === 'string') {
      const m = DURATION.exec(value);
      if (m) return Number(m[1]) * UNIT[m[2]];
      if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return new Date(value);
    }
    return value;
  });
}

const cfg = parseConfig('{"timeout":"30s","retry":{"backoff":"250ms"},"since":"2024-01-01T00:00:00Z"}');
console.log(cfg.timeout, cfg.retry.backoff, cfg.since.getUTCFullYear());
