// benign: category=code-generation max-plugin=100 max-package=79
// why: a test runner executes the project's own test files in a fresh vm context with stub globals.
const fs = require('fs');
const path = require('path');
const vm = require('vm');

function runFile(file) {
  const code = fs.readFileSync(file, 'utf8');
  const results = [];
  const context = vm.createContext({
    console,
    test: (name, fn) => {
      try {
        fn();
        results.push({ name, ok: true });
      } catch (e) {
        results.push({ name, ok: false, error: e.message });
      }
    },
  });
  vm.runInContext(code, context, { filename: file, timeout: 5000 });
  return results;
}

const dir = path.resolve(process.argv[2] || 'test');
for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.test.js'))) {
  for (const r of runFile(path.join(dir, f))) {
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${f} › ${r.name}${r.error ? ` — ${r.error}` : ''}`);
  }
}
