// benign: category=obfuscation max-plugin=39 max-package=39
// why: colour strings with hex digits are parsed with parseInt(…, 16) and formatted back.
export function parseHex(hex) {
  let h = hex.replace(/^#/, '');
  if (h.length === 3) h = h.split('').map((c) => c + c).join('');
  if (!/^[0-9a-f]{6}([0-9a-f]{2})?$/i.test(h)) throw new Error(`bad colour ${hex}`);
  const n = (i) => parseInt(h.slice(i, i + 2), 16);
  return { r: n(0), g: n(2), b: n(4), a: h.length === 8 ? n(6) / 255 : 1 };
}

export function toHex({ r, g, b }) {
  return '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
}

export function mix(a, b, t = 0.5) {
  const ca = parseHex(a);
  const cb = parseHex(b);
  const m = (x, y) => Math.round(x + (y - x) * t);
  return toHex({ r: m(ca.r, cb.r), g: m(ca.g, cb.g), b: m(ca.b, cb.b) });
}

export const PALETTE = ['#1e1e2e', '#f38ba8', '#a6e3a1', '#f9e2af', '#89b4fa'].map(parseHex);
