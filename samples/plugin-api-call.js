// sample: Plugin: calls the one API it was granted
// run-options: --allow-net $SERVER --input {"api":"http://$SERVER"}
// needs: server
// expect-outcome: ok
// expect-value: {"status":200,"items":2,"total":42}
// expect-blocked: none
// expect-verdict: review
// expect-findings: network-fetch
//
// `--allow-net HOST[:PORT]` (or the manifest's [[permissions.network]]) grants one host:
// `fetch` is performed by the host, which checks the URL, every redirect and the address the
// name resolves to. The tests serve this API from a loopback server they start.
async function main() {
  const res = await fetch(input.api + "/json", { headers: { accept: "application/json" } });
  const body = await res.json();
  const total = body.items.reduce((sum, it) => sum + it.price, 0);
  return { status: res.status, items: body.items.length, total };
}
main();
