// benign: category=obfuscation max-plugin=39 max-package=39
// why: a forum widget hides spoilers with ROT13, a decoder applied to constant English text.
function rot13(s) {
  return s.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

const SPOILERS = {
  ending: 'Gur ohgyre qvq vg.',
  twist: 'Gur znc jnf hcfvqr qbja gur jubyr gvzr.',
};

export function reveal(button) {
  const key = button.dataset.spoiler;
  const target = document.getElementById(`spoiler-${key}`);
  target.textContent = rot13(SPOILERS[key] || '');
  button.hidden = true;
}
