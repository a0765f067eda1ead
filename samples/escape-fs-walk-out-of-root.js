// sample: Escape: walking out of a granted directory
// run-options: --force --allow-read $TMP
// needs: tempdir
// fixture: notes.txt = plugin notes
// fixture-symlink: etc-link -> /etc
// expect-outcome: ok
// expect-value: {"notes":"plugin notes","escapes":["ERR_ACCESS_DENIED","ERR_ACCESS_DENIED","ERR_ACCESS_DENIED","ERR_ACCESS_DENIED"]}
// expect-blocked: filesystem@17
// expect-verdict: block
// expect-findings: fs-access, sensitive-path
//
// The host resolves every path beneath the granted directory itself (openat2 with
// RESOLVE_BENEATH): `..` above it, absolute paths elsewhere, symlinks leading out and /proc
// are refused and recorded with the path asked for. The file inside still reads.
const fs = require("fs");
const tryRead = (p) => {
  try { return fs.readFileSync(p, "utf8"); } catch (e) { return e.code; } };
const escapes = [
  tryRead("../../../../etc/passwd"),
  tryRead("/etc/passwd"),
  tryRead("etc-link/passwd"),
  tryRead("/proc/self/environ"),
];
({ notes: tryRead("notes.txt"), escapes });
