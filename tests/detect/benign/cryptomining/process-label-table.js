// benign: category=cryptomining max-plugin=39 max-package=39
// why: a task-manager UI labels known process names, miners among them; no behaviour at all.
const LABELS = {
  node: { kind: 'runtime', icon: 'js' },
  postgres: { kind: 'database', icon: 'db' },
  nginx: { kind: 'web server', icon: 'globe' },
  xmrig: { kind: 'cryptominer', icon: 'warning', note: 'Monero miner; unexpected on servers' },
  minerd: { kind: 'cryptominer', icon: 'warning', note: 'CPU miner' },
  ethminer: { kind: 'cryptominer', icon: 'warning' },
  coinhive: { kind: 'cryptominer', icon: 'warning', note: 'browser miner (defunct)' },
};

export function label(proc) {
  const base = proc.name.replace(/\.exe$/i, '').toLowerCase();
  const known = LABELS[base];
  return {
    ...proc,
    kind: known ? known.kind : 'other',
    icon: known ? known.icon : 'dot',
    note: known && known.note,
  };
}

export const suspicious = (procs) => procs.map(label).filter((p) => p.kind === 'cryptominer');
