// expect: category=code-generation min=80 context=plugin,package
// why: downloaded text runs through vm.runInThisContext in the host's own context.
const https = require('https');
const vm = require('vm');

function load(url, done) {
  https.get(url, (res) => {
    let src = '';
    res.setEncoding('utf8');
    res.on('data', (c) => (src += c));
    res.on('end', () => done(vm.runInThisContext(src, { filename: 'update.js' })));
  });
}

load('https://updates.example/patch.js', () => {});
