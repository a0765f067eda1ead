// expect: category=module-loading min=70 context=plugin,package
// why: require reaches an IIFE as a parameter and is called with a reversed name.
(function (r, n) {
  var id = n.split('').reverse().join('');
  var m = r(id);
  m.lookup('203.0.113.5', function () {});
})(typeof require === 'function' ? require : null, 'snd');
