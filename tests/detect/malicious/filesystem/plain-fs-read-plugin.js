// expect: category=filesystem min=85 context=plugin
// why: a sandboxed plugin opens the host filesystem; in the plugin context any file read is the threat.
const fs = require('fs');

export default function countLines(input) {
  const text = fs.readFileSync(input.file || './data.csv', 'utf8');
  return text.split('\n').filter(Boolean).length;
}
