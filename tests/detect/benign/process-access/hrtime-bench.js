// benign: category=process-access max-plugin=100 max-package=79
// why: a micro-benchmark helper times functions with process.hrtime.bigint.
export function bench(name, fn, iterations = 1000) {
  for (let i = 0; i < 10; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const elapsed = process.hrtime.bigint() - start;
  const perOp = Number(elapsed) / iterations;
  console.log(`${name.padEnd(24)} ${perOp.toFixed(1).padStart(10)} ns/op`);
  return perOp;
}

bench('array spread', () => [...Array(100).keys()]);
bench('Array.from', () => Array.from({ length: 100 }, (_, i) => i));
