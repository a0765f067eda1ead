// expect: category=module-loading min=70 context=plugin
// why: a sandboxed plugin loads host modules that the sandbox does not grant.
const os = require('os');
const net = require('net');

export default function plugin(input) {
  return {
    host: os.hostname(),
    ok: net.isIP(input.address) !== 0,
  };
}
