// sample: Plugin: reads its config and data from a granted directory
// run-options: --force --allow-read $TMP
// needs: tempdir
// fixture: config.json = {"title":"Weekly report","currency":"EUR","rates":{"EUR":1,"USD":1.1}}
// fixture: data/orders.csv = id,amount,currency\n1,10,EUR\n2,20,USD\n3,5,EUR
// expect-outcome: ok
// expect-value: {"title":"Weekly report","orders":3,"total":"33.18 EUR","files":["orders.csv"]}
// expect-blocked: none
// expect-verdict: block
// expect-findings: fs-access
//
// The plugin's manifest (sandbench.toml beside it) or `--allow-read DIR` grants one
// directory: `require('fs')` then reads beneath it, relative paths starting there. Nothing
// outside it can be reached (see escape-fs-walk-out-of-root.js), and nothing can be written.
// The scanner scores reaching `fs` from a plugin as `block` whatever is granted, so the run
// takes --force.
const fs = require("fs");
const config = JSON.parse(fs.readFileSync("config.json", "utf8"));
const rows = fs.readFileSync("data/orders.csv", "utf8").trim().split("\n").slice(1);
let total = 0;
for (const row of rows) {
  const [, amount, currency] = row.split(",");
  total += Number(amount) / config.rates[currency];
}
({
  title: config.title,
  orders: rows.length,
  total: total.toFixed(2) + " " + config.currency,
  files: fs.readdirSync("data"),
});
