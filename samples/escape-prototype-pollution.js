// sample: Escape: prototype pollution does not stick
// run-options: --force
// expect-outcome: ok
// expect-value: {"polluted":false,"viaProto":false,"viaMerge":false}
// expect-blocked: prototype-pollution@13, prototype-pollution@20
// expect-verdict: block
//
// In the strict profile the shared intrinsics are frozen: writes to Object.prototype,
// whether direct, through __proto__ or through a naive merge, throw and change nothing.
// Reaching for __proto__ (line 20, and inside the merge on line 13) is recorded.
const merge = (dst, src) => {
  for (const k in src) {
    if (typeof src[k] === "object" && src[k]) merge(dst[k] || (dst[k] = {}), src[k]);
    else dst[k] = src[k];
  }
  return dst;
};
const attempt = (f) => { try { f(); } catch (e) { /* frozen */ } };
attempt(() => { Object.prototype.polluted = true; });
attempt(() => { ({}).__proto__.viaProto = true; });
attempt(() => merge({}, JSON.parse('{"__proto__":{"viaMerge":true}}')));
const probe = {};
({ polluted: probe.polluted === true, viaProto: probe.viaProto === true, viaMerge: probe.viaMerge === true });
