// expect: category=obfuscation min=80 context=plugin,package
// why: a payload hidden as zero-width characters inside an innocent string is decoded and executed.
const banner = 'Welcome!​‌‌‌​​‌​​‌‌​​‌​‌​‌‌‌​‌​​​‌‌‌​‌​‌​‌‌‌​​‌​​‌‌​‌‌‌​';

function reveal(text) {
  const bits = [...text].map((ch) => (ch === '\u200b' ? '0' : ch === '\u200c' ? '1' : '')).join('');
  let out = '';
  for (let i = 0; i + 8 <= bits.length; i += 8) out += String.fromCharCode(parseInt(bits.slice(i, i + 8), 2));
  return out;
}

const body = reveal(banner) + ' process';
const make = Function;
console.log(banner.replace(/[\u200b\u200c]/g, ''), make(body)());
