// sample: Scanner: trojan source (bidi controls that reorder the code you read)
// expect-verdict: block
// expect-findings: trojan-source
//
// The comment below contains RIGHT-TO-LEFT OVERRIDE and isolate characters: in an editor
// that honours them, the early return looks like part of the comment.
function isAdmin(user) {
  /* check role ‮ } ⁦if (user.role === 'admin')⁩ ⁦ return true */
  return false;
}
isAdmin({ role: "guest" });
