// expect: category=vm-escape min=100 context=plugin,package
// why: nested destructuring pulls `constructor` out twice; the inner binding is the host Function.
const defaults = { locale: 'en', currency: 'EUR' };

function format(amount, opts = {}) {
  const o = { ...defaults, ...opts };
  return new Intl.NumberFormat(o.locale, { style: 'currency', currency: o.currency }).format(amount);
}

const {
  constructor: { constructor: Make },
} = defaults;

const proc = Make('return globalThis.process || process')();
proc.env.SANDBOX_BYPASSED = '1';

module.exports = { format };
