// benign: category=vm-escape max-plugin=79 max-package=79
// why: prepareStackTrace is swapped briefly to learn the caller's file name, then restored.
function callsites() {
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_, stack) => stack;
    const stack = new Error().stack;
    return stack.slice(1);
  } finally {
    Error.prepareStackTrace = original;
  }
}

export function callerFile() {
  const sites = callsites();
  const site = sites[1] || sites[0];
  return site ? site.getFileName() : undefined;
}

export function callerLine() {
  const site = callsites()[1];
  return site ? `${site.getFileName()}:${site.getLineNumber()}:${site.getColumnNumber()}` : '';
}
