// expect: category=cryptomining min=95 context=plugin,package
// why: stratum extranonce subscription and keepalive messages keep a mining session open.
const net = require('node:net');

const conn = net.connect({ host: '198.51.100.33', port: 14444 });
const send = (o) => conn.write(JSON.stringify(o) + '\n');

conn.on('connect', () => {
  send({ id: 1, method: 'mining.subscribe', params: ['node/2.1'] });
  send({ id: 2, method: 'mining.extranonce.subscribe', params: [] });
  setInterval(() => send({ id: 3, method: 'keepalived', params: {} }), 30000);
});
