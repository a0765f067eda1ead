// sample: Scanner: browser cryptominer loader
// expect-verdict: block
// expect-findings: cryptominer
//
// A CoinHive-style loader: a stratum pool URL and a WebAssembly CryptoNight worker.
const POOL = "stratum+tcp://pool.example:3333";
function startMiner(wallet) {
  const worker = { pool: POOL, wallet, algo: "cryptonight", threads: 4 };
  return worker;
}
startMiner("44AFFq5kSiGBoZ...");
