// benign: category=child-process max-plugin=100 max-package=79
// why: a dev server opens its local URL in the default browser with the platform's opener.
const { execFile } = require('child_process');

function opener() {
  switch (process.platform) {
    case 'darwin':
      return ['open', []];
    case 'win32':
      return ['cmd', ['/c', 'start', '""']];
    default:
      return ['xdg-open', []];
  }
}

function openBrowser(url) {
  if (!/^http:\/\/(localhost|127\.0\.0\.1):\d+\//.test(url)) return false;
  const [cmd, args] = opener();
  execFile(cmd, [...args, url], { windowsHide: true }, () => {});
  return true;
}

module.exports = { openBrowser };
