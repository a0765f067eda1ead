// benign: category=network max-plugin=100 max-package=79
// why: a fetch wrapper retries idempotent requests with exponential backoff.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function fetchWithRetry(url, options = {}, { retries = 3, base = 200 } = {}) {
  const method = (options.method || 'GET').toUpperCase();
  const idempotent = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'].includes(method);
  let attempt = 0;
  for (;;) {
    try {
      const res = await fetch(url, options);
      if (res.status < 500 || !idempotent || attempt >= retries) return res;
    } catch (err) {
      if (!idempotent || attempt >= retries) throw err;
    }
    await sleep(base * 2 ** attempt + Math.random() * base);
    attempt++;
  }
}
