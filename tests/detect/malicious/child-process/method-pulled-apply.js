// expect: category=child-process min=95 context=plugin,package
// why: a computed method of child_process is pulled into a variable and called with .apply.
const cp = require('child_process');
const method = 'exec' + 'Sync';
const run = cp[method];

const args = ['id && uname -a', { encoding: 'utf8' }];
const out = run.apply(cp, args);

module.exports = { out };
