// benign: category=cryptomining max-plugin=100 max-package=79
// why: a dashboard shows the user's own rigs' hashrate from a stats API; it mines nothing.
const fmt = (h) => {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s'];
  let i = 0;
  while (h >= 1000 && i < units.length - 1) {
    h /= 1000;
    i++;
  }
  return `${h.toFixed(1)} ${units[i]}`;
};

export async function renderStats(el, account) {
  const res = await fetch(`https://stats.example/api/accounts/${encodeURIComponent(account)}`);
  const { workers, pool } = await res.json();
  el.innerHTML = `
    <h2>Pool hashrate: ${fmt(pool.hashrate)}</h2>
    <ul>${workers.map((w) => `<li>${w.name}: ${fmt(w.hashrate)} (${w.online ? 'online' : 'offline'})</li>`).join('')}</ul>`;
}
