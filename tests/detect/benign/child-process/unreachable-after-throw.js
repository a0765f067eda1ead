// benign: category=child-process max-plugin=39 max-package=39
// why: a removed feature throws first; the old shell-out below the throw is dead code.
export function openInEditor(file) {
  throw new Error('openInEditor was removed in v3; use your editor integration instead');
  // eslint-disable-next-line no-unreachable
  require('child_process').spawn(process.env.EDITOR || 'vi', [file], { stdio: 'inherit' });
}

export function editorHint(file) {
  return `Open ${file} in your editor to continue.`;
}
