// sample: Plugin: summarise a CSV export
// expect-outcome: ok
// expect-value: {"rows":4,"regions":{"north":2,"south":1,"west":1},"revenue":980,"best":"widget"}
// expect-blocked: none
// expect-verdict: allow
//
// An honest plugin: string parsing, objects, reduce and sorting. Nothing reaches the host.
const csv = `product,region,units,price
widget,north,10,25.5
gadget,south,3,150
widget,north,20,12
doohickey,west,7,5`;
const [head, ...lines] = csv.split("\n");
const cols = head.split(",");
const rows = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
const regions = {};
const byProduct = new Map();
let revenue = 0;
for (const r of rows) {
  regions[r.region] = (regions[r.region] || 0) + 1;
  const value = Number(r.units) * Number(r.price);
  revenue += value;
  byProduct.set(r.product, (byProduct.get(r.product) || 0) + value);
}
const best = [...byProduct].sort((a, b) => b[1] - a[1])[0][0];
({ rows: rows.length, regions, revenue, best });
