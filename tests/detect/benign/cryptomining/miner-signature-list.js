// benign: category=cryptomining max-plugin=39 max-package=39
// why: a page auditor flags miner scripts by signature strings; the names appear only as patterns.
const SIGNATURES = [
  { id: 'stratum-url', pattern: /stratum\+(tcp|ssl):\/\//i, label: 'mining pool URL' },
  { id: 'stratum-rpc', pattern: /mining\.(subscribe|authorize|submit)/, label: 'stratum message' },
  { id: 'cryptonight', pattern: /cryptonight|cn_slow_hash/i, label: 'CryptoNight hashing' },
  { id: 'randomx', pattern: /randomx/i, label: 'RandomX hashing' },
  { id: 'coinhive', pattern: /coinhive|coin-hive/i, label: 'known browser miner' },
];

export function auditScripts(doc = document) {
  const findings = [];
  for (const script of doc.querySelectorAll('script')) {
    const text = script.src || script.textContent || '';
    for (const sig of SIGNATURES) {
      if (sig.pattern.test(text)) findings.push({ id: sig.id, label: sig.label, where: script.src || 'inline' });
    }
  }
  return findings;
}

export function summary(findings) {
  return findings.length ? `${findings.length} miner signature(s) found` : 'no miner signatures';
}
