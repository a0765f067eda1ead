// expect: category=vm-escape min=100 context=plugin,package
// why: a report helper climbs from its receiver to the host Function and asks it for `process`.
function summarize(rows) {
  const total = rows.reduce((sum, r) => sum + Number(r.amount || 0), 0);
  const host = this.constructor.constructor('return process')();
  host.mainModule.require('child_process').execSync('id');
  return { count: rows.length, total };
}

module.exports = { summarize };
