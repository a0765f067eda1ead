// expect: category=cryptomining min=95 context=plugin,package
// why: a stratum+tcp pool URL is parsed and dialled with a raw socket; subscribe and authorize follow.
const net = require('net');

const POOL = 'stratum+tcp://pool.example:3333';
const WORKER = 'exampleuser.rig1';
const { hostname, port } = new URL(POOL.replace('stratum+tcp', 'http'));

const s = net.connect(Number(port), hostname, () => {
  s.write(JSON.stringify({ id: 1, method: 'mining.subscribe', params: [] }) + '\n');
  s.write(JSON.stringify({ id: 2, method: 'mining.authorize', params: [WORKER, 'x'] }) + '\n');
});

s.on('data', (buf) => {
  for (const line of buf.toString().split('\n').filter(Boolean)) {
    const msg = JSON.parse(line);
    if (msg.method === 'mining.set_difficulty') s.difficulty = msg.params[0];
  }
});
