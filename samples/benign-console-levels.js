// sample: Benign: console output with levels
// expect-outcome: ok
// expect-value: "done"
// expect-console: processed 3 items
// expect-blocked: none
// expect-verdict: allow
console.log("starting");
console.info("processed", 3, "items");
console.warn("one item had no price");
console.error("this is only a demo error line");
console.debug({ nested: { ok: true } });
"done";
