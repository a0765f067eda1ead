// benign: category=obfuscation max-plugin=39 max-package=39
// why: a German/Japanese teaching example with non-ASCII identifiers; unusual, not obfuscated.
const größe = 1.82;
const gewicht = 74;
const 名前 = 'さくら';

function körpermasseindex(g, h) {
  return Math.round((g / (h * h)) * 10) / 10;
}

function begrüßung(name) {
  return `こんにちは、${name}さん`;
}

export const ergebnis = {
  bmi: körpermasseindex(gewicht, größe),
  gruß: begrüßung(名前),
};
