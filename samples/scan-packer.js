// sample: Scanner: Dean Edwards packer
// expect-verdict: block
// expect-findings: obfuscation-packer, eval-direct
//
// The classic packer wraps code in eval(function(p,a,c,k,e,d){…}). The payload here is
// harmless (it evaluates to 42), but a reviewer cannot tell that without unpacking it.
eval(function (p, a, c, k, e, d) {
  e = function (c) { return c; };
  while (c--) { if (k[c]) { p = p.replace(new RegExp("\\b" + e(c) + "\\b", "g"), k[c]); } }
  return p;
}("0", 1, 1, "42".split("|"), 0, {}));
