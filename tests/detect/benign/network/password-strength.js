// benign: category=network max-plugin=39 max-package=39
// why: a form reads the password field to show a strength meter; nothing leaves the page.
function score(pw) {
  let s = 0;
  if (pw.length >= 8) s++;
  if (pw.length >= 14) s++;
  if (/[a-z]/.test(pw) && /[A-Z]/.test(pw)) s++;
  if (/\d/.test(pw)) s++;
  if (/[^\w\s]/.test(pw)) s++;
  return Math.min(s, 4);
}

const LABELS = ['very weak', 'weak', 'fair', 'good', 'strong'];

export function attachMeter(form) {
  const input = form.querySelector('input[type=password]');
  const meter = form.querySelector('meter');
  const label = form.querySelector('.strength-label');
  input.addEventListener('input', () => {
    const s = score(input.value);
    meter.value = s;
    label.textContent = LABELS[s];
  });
}
