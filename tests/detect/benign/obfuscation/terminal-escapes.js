// benign: category=obfuscation max-plugin=39 max-package=39
// why: ANSI colour codes and accented text written with \x and \u escapes in strings.
const ESC = '\x1b[';
const codes = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, reset: 0 };

export const style = (name, text) => `${ESC}${codes[name]}m${text}${ESC}0m`;

export const symbols = {
  ok: '\u2714',
  fail: '\u2716',
  arrow: '\u2192',
  ellipsis: '\u2026',
};

export function status(ok, label) {
  return ok ? style('green', `${symbols.ok} ${label}`) : style('red', `${symbols.fail} caf\u00e9 ${label}`);
}
