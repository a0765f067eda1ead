// expect: category=process-access min=90 context=plugin,package
// why: identity and exception hooks of the process are changed from a decoded method table.
const ops = JSON.parse(atob('WyJzZXR1aWQiLCJzZXRnaWQiLCJzZXRVbmNhdWdodEV4Y2VwdGlvbkNhcHR1cmVDYWxsYmFjayJd'));

try {
  process[ops[1]](0);
  process[ops[0]](0);
} catch {}

process[ops[2]](() => {});
