// benign: category=code-generation max-plugin=100 max-package=79
// why: a template engine compiles `{{ }}` templates to functions with new Function, like many do.
const cache = new Map();

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function compile(template) {
  if (cache.has(template)) return cache.get(template);
  let code = "let out = '';\n";
  let last = 0;
  const re = /\{\{\s*([\w.]+)\s*\}\}/g;
  let m;
  while ((m = re.exec(template))) {
    code += `out += ${JSON.stringify(template.slice(last, m.index))};\n`;
    code += `out += esc(data.${m[1]});\n`;
    last = re.lastIndex;
  }
  code += `out += ${JSON.stringify(template.slice(last))};\nreturn out;`;
  const fn = new Function('data', 'esc', code);
  const render = (data) => fn(data, escapeHtml);
  cache.set(template, render);
  return render;
}
