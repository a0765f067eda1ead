// benign: category=module-loading max-plugin=100 max-package=79
// why: a CLI loads the plugins its config file names, resolved against the project directory.
const fs = require('fs');
const path = require('path');

function loadConfig(cwd) {
  const file = path.join(cwd, 'tool.config.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { plugins: [] };
}

function loadPlugins(cwd) {
  const { plugins = [] } = loadConfig(cwd);
  return plugins.map((spec) => {
    const name = typeof spec === 'string' ? spec : spec.name;
    const resolved = require.resolve(name, { paths: [cwd] });
    const plugin = require(resolved);
    return { name, run: plugin.default || plugin, options: spec.options || {} };
  });
}

module.exports = { loadPlugins };
