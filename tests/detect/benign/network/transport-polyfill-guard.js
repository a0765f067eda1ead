// benign: category=network max-plugin=79 max-package=39
// why: a polyfill guard checks `'XMLHttpRequest' in window` and friends before installing nothing risky.
(function (w) {
  if (!w) return;
  var missing = [];
  if (!('fetch' in w)) missing.push('fetch');
  if (!('XMLHttpRequest' in w)) missing.push('xhr');
  if (typeof w.AbortController !== 'function') missing.push('abort');
  if (typeof w.URLSearchParams !== 'function') missing.push('urlsearchparams');
  w.__missingFeatures = missing;
  if (missing.length && w.console) {
    w.console.warn('This browser lacks: ' + missing.join(', ') + '. Some features are disabled.');
  }
})(typeof window !== 'undefined' ? window : undefined);
