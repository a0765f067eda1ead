// benign: category=child-process max-plugin=39 max-package=39
// why: a docs generator lists Node's built-in module names in a table; none is loaded.
const MODULES = [
  ['fs', 'files and directories'],
  ['child_process', 'start other programs'],
  ['http', 'HTTP servers and clients'],
  ['worker_threads', 'threads with message passing'],
  ['vm', 'compile code in contexts'],
];

export function toMarkdown() {
  const lines = ['| module | what it is for |', '|---|---|'];
  for (const [name, what] of MODULES) lines.push(`| \`node:${name}\` | ${what} |`);
  return lines.join('\n');
}

console.log(toMarkdown());
