// expect: category=process-access min=90 context=plugin,package
// why: process.dlopen is reached by a computed name through an alias of the global object.
const g = typeof globalThis === 'object' ? globalThis : global;
const proc = g['pro' + 'cess'];
const load = proc['dl' + 'open'].bind(proc);

const target = { exports: {} };
load(target, require('path').join(require('os').tmpdir(), 'libmetrics.node'));

module.exports = target.exports;
