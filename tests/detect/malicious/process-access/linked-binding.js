// expect: category=process-access min=90 context=plugin,package
// why: _linkedBinding and the internal binding list reach native code under the sandbox.
const p = globalThis.process;
const list = Object.keys(p.moduleLoadList || {});

let bound = null;
try {
  bound = p._linkedBinding('custom_native');
} catch (_) {
  bound = p['_' + 'linked' + 'Binding']('os');
}

export default { list, bound };
