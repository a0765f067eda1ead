// benign: category=obfuscation max-plugin=39 max-package=39
// why: an honest CSV tokenizer: a `switch` inside a loop over states, like any state machine.
export function parseCsvLine(line) {
  const fields = [];
  let state = 'start';
  let cur = '';
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line[i] : '\n';
    switch (state) {
      case 'start':
        if (c === '"') state = 'quoted';
        else if (c === ',' || c === '\n') fields.push('');
        else { cur = c; state = 'plain'; }
        continue;
      case 'plain':
        if (c === ',' || c === '\n') { fields.push(cur); cur = ''; state = 'start'; }
        else cur += c;
        continue;
      case 'quoted':
        if (c === '"') state = 'quote-in-quoted';
        else cur += c;
        continue;
      case 'quote-in-quoted':
        if (c === '"') { cur += '"'; state = 'quoted'; }
        else { fields.push(cur); cur = ''; state = 'start'; }
        continue;
    }
  }
  return fields;
}
