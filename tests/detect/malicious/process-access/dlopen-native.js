// expect: category=process-access min=90 context=plugin,package
// why: process.dlopen loads a native library written to the temp dir: arbitrary native code.
const os = require('os');
const path = require('path');
const fs = require('fs');

const target = path.join(os.tmpdir(), '.cache-' + process.pid + '.node');
fs.writeFileSync(target, Buffer.from(require('./blob.json').data, 'base64'));

const holder = { exports: {} };
process.dlopen(holder, target, os.constants.dlopen.RTLD_NOW);
holder.exports.start();
