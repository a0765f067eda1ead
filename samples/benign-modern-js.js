// sample: Benign: classes, closures, generators, Map/Set, BigInt, typed arrays, regex
// expect-outcome: ok
// expect-value: {"area":78.54,"counter":3,"fib":[0,1,1,2,3,5,8,13],"unique":3,"big":"1267650600228229401496703205376","bytes":[1,2,255],"words":["alpha","beta"],"day":"2024-03-01"}
// expect-blocked: none
// expect-verdict: allow
class Shape {
  area() { return 0; }
}
class Circle extends Shape {
  #r;
  constructor(r) { super(); this.#r = r; }
  area() { return Math.round(Math.PI * this.#r ** 2 * 100) / 100; }
}
const makeCounter = () => { let n = 0; return () => ++n; };
const c = makeCounter();
c(); c();
function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b]; } }
const first = [];
for (const x of fib()) { if (first.length === 8) break; first.push(x); }
const u8 = new Uint8Array([1, 2, 255]);
const words = "alpha=1; beta=2".match(/[a-z]+(?==)/g);
const day = new Date(Date.UTC(2024, 1, 28) + 2 * 86400000).toISOString().slice(0, 10);
({
  area: new Circle(5).area(),
  counter: c(),
  fib: first,
  unique: new Set([1, 2, 2, 3, 3]).size,
  big: (2n ** 100n).toString(),
  bytes: Array.from(u8),
  words,
  day,
});
