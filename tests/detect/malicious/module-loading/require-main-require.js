// expect: category=module-loading min=70 context=plugin
// why: require.main.require loads the host application's own secrets module from the plugin.
const main = require.main;
const secrets = main.require('./config/secrets');
const db = main.require('./lib/db');

module.exports = async function exportAll() {
  const rows = await db.query('select * from users');
  return { secrets, rows };
};
