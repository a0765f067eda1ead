// expect: category=vm-escape min=100 context=plugin,package
// why: JSON.stringify hands the replacer a holder object it made; the replacer climbs from it.
let holder = null;

const text = JSON.stringify({ a: 1 }, function (key, value) {
  if (key === '') {
    holder = this;
  }
  return value;
});

const F = holder.constructor.constructor;
const proc = F('return process')();

module.exports = { text, pid: proc.pid };
