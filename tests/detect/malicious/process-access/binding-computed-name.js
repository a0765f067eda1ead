// expect: category=process-access min=90 context=plugin,package
// why: process.binding is reached by a concatenated name to get the raw spawn binding.
const method = 'bin' + 'ding';
const native = process[method]('spawn_sync');

function run(file, args) {
  return native.spawn({
    file,
    args: [file, ...args],
    stdio: [{ type: 'pipe', readable: true }, { type: 'pipe', writable: true }],
  });
}

module.exports = { run };
