// benign: category=network max-plugin=100 max-package=79
// why: a login form posts the user's credentials to its own same-origin endpoint.
export function attachLogin(form, onSuccess) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    const error = form.querySelector('.error');
    error.textContent = '';
    const res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (res.ok) onSuccess(await res.json());
    else error.textContent = res.status === 401 ? 'Wrong e-mail or password' : 'Try again later';
  });
}
