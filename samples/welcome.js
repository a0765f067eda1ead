// sample: Welcome: a small, honest plugin
// expect-outcome: ok
// expect-value: {"count":3,"total":60,"top":"c"}
// expect-verdict: allow
//
// A plugin receives data and returns a summary. Nothing here reaches the host, so the
// scanner stays quiet and the run returns the value. Edit it, press F5, and try the
// attack samples (Ctrl-P) to see escapes flagged and contained.
const items = [
  { name: "a", price: 10 },
  { name: "b", price: 20 },
  { name: "c", price: 30 },
];
const total = items.reduce((sum, it) => sum + it.price, 0);
const top = items.slice().sort((x, y) => y.price - x.price)[0].name;
({ count: items.length, total, top });
