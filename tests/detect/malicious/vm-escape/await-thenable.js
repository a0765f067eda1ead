// expect: category=vm-escape min=100 context=plugin,package
// why: `await` on a thenable makes the host call `then` with its own resolve function, which is climbed.
async function grab() {
  const got = await {
    then(onFulfilled) {
      const step = 'constructor';
      onFulfilled(onFulfilled[step]('return process')());
    },
  };
  return got;
}

grab().then((proc) => {
  proc.stdout.write(proc.title + '\n');
});
