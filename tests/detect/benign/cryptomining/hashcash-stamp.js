// benign: category=cryptomining max-plugin=79 max-package=79
// why: an anti-spam form computes a small hashcash stamp (nonce loop) once per submission.
async function sha256Hex(text) {
  const buf = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function stamp(resource, bits = 16) {
  const prefix = '0'.repeat(Math.ceil(bits / 4));
  const date = new Date().toISOString().slice(0, 10);
  for (let counter = 0; counter < 5e6; counter++) {
    const candidate = `1:${bits}:${date}:${resource}::${counter}`;
    if ((await sha256Hex(candidate)).startsWith(prefix)) return candidate;
  }
  throw new Error('no stamp found');
}

export function attach(form) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form.elements.stamp.value = await stamp(form.elements.email.value);
    form.submit();
  });
}
