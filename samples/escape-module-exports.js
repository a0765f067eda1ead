// sample: Escape: tampering with module.exports
// run-options: --force
// expect-outcome: error
// expect-blocked: module-loading@8
// expect-verdict: allow
//
// CommonJS globals do not exist here; a plugin that assumes them is refused.
module.exports = { hijacked: true };
