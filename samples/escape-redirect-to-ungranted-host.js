// sample: Escape: a granted API redirects to a host that was not granted
// run-options: --force --allow-net $SERVER --input {"api":"http://$SERVER"}
// needs: server
// expect-outcome: ok
// expect-value: {"followed":false,"error":"TypeError"}
// expect-blocked: network@17
// expect-verdict: review
// expect-findings: network-fetch
//
// The first request goes to the granted host, which answers with a redirect to the cloud
// metadata service. The host checks every redirect against the grants again: the second hop
// is refused before any connection, recorded with the URL it asked for, and the script sees
// a TypeError.
async function main() {
  const target = "http://metadata.google.internal/computeMetadata/v1/";
  try {
    await fetch(input.api + "/redirect?to=" + target);
    return { followed: true };
  } catch (e) {
    return { followed: false, error: e.name };
  }
}
main();
