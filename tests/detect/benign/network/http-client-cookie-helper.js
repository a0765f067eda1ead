// benign: category=network max-plugin=100 max-package=79
// why: an HTTP client posts its caller's body; an unrelated helper reads the consent cookie locally.
export function readConsent() {
  const match = document.cookie.match(/(?:^|;\s*)consent=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : null;
}

export function showBannerIfNeeded(el) {
  el.hidden = readConsent() === 'yes';
}

export async function post(url, body, { timeout = 10000 } = {}) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeout);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: ctrl.signal,
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.json();
  } finally {
    clearTimeout(timer);
  }
}

export const createTodo = (title) => post('/api/todos', { title, done: false });
