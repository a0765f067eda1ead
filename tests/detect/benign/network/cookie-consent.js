// benign: category=network max-plugin=79 max-package=39
// why: a consent banner reads and writes its own cookie; nothing leaves the page.
const NAME = 'cookie_consent';

export function getConsent() {
  const pair = document.cookie.split('; ').find((c) => c.startsWith(NAME + '='));
  return pair ? pair.split('=')[1] : null;
}

export function setConsent(value) {
  const maxAge = 60 * 60 * 24 * 180;
  document.cookie = `${NAME}=${value}; Max-Age=${maxAge}; Path=/; SameSite=Lax`;
}

export function mountBanner(root) {
  if (getConsent()) return;
  const bar = document.createElement('div');
  bar.className = 'consent';
  bar.innerHTML = '<p>We use cookies for preferences.</p><button>OK</button>';
  bar.querySelector('button').addEventListener('click', () => {
    setConsent('yes');
    bar.remove();
  });
  root.appendChild(bar);
}
