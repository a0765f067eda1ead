// benign: category=child-process max-plugin=100 max-package=79
// why: a test runner forks one worker per test file and collects results over IPC.
const { fork } = require('child_process');
const path = require('path');

function runFile(file) {
  return new Promise((resolve) => {
    const child = fork(path.join(__dirname, 'worker.js'), [file], { stdio: 'inherit' });
    const results = [];
    child.on('message', (m) => results.push(m));
    child.on('exit', (code) => resolve({ file, code, results }));
  });
}

async function runAll(files, concurrency = 4) {
  const queue = [...files];
  const done = [];
  const lanes = Array.from({ length: concurrency }, async () => {
    while (queue.length) done.push(await runFile(queue.shift()));
  });
  await Promise.all(lanes);
  return done;
}

module.exports = { runAll };
