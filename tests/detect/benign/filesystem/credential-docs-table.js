// benign: category=filesystem max-plugin=39 max-package=39
// why: a docs page lists where common tools keep credentials, as a table rendered to HTML only.
const ROWS = [
  ['AWS CLI', '~/.aws/credentials', 'aws configure'],
  ['npm', '~/.npmrc', 'npm login'],
  ['Docker', '~/.docker/config.json', 'docker login'],
  ['kubectl', '~/.kube/config', 'kubectl config'],
  ['SSH', '~/.ssh/id_ed25519', 'ssh-keygen'],
];

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function renderTable() {
  const head = '<tr><th>Tool</th><th>File</th><th>Created by</th></tr>';
  const body = ROWS.map((r) => `<tr>${r.map((c) => `<td><code>${esc(c)}</code></td>`).join('')}</tr>`);
  return `<table class="creds">${head}${body.join('')}</table>`;
}
