// benign: category=code-generation max-plugin=39 max-package=39
// why: a lint preset names risky calls only inside strings and messages.
export const rules = {
  'no-eval': {
    level: 'error',
    message: 'eval() runs arbitrary code; parse the data instead',
    example: "eval('(' + json + ')')",
  },
  'no-implied-eval': {
    level: 'error',
    message: "setTimeout('code', ms) compiles a string; pass a function",
  },
  'no-new-func': {
    level: 'warn',
    message: 'new Function(...) is eval in disguise',
  },
};

export function explain(id) {
  const rule = rules[id];
  if (!rule) return `unknown rule ${id}`;
  return `${id} (${rule.level}): ${rule.message}${rule.example ? `\n  e.g. ${rule.example}` : ''}`;
}
