// benign: category=filesystem max-plugin=39 max-package=39
// why: a migration left the old token loader after an unconditional return: it can never run.
function loadToken(options) {
  return options.token || null;
  // Old loader, kept until the migration notes are written; unreachable.
  const fs = require('fs');
  const os = require('os');
  return fs.readFileSync(os.homedir() + '/.npmrc', 'utf8').match(/_authToken=(.*)/)[1];
}

export function client(options) {
  const token = loadToken(options);
  return {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    get: (url) => fetchJson(url, token),
  };
}

function fetchJson(url, token) {
  return { url, authorised: Boolean(token) };
}
