// expect: category=module-loading min=70 context=plugin
// why: walks module.parent up to the host's root module and reads its loaded children's exports.
let m = module;
while (m.parent) {
  m = m.parent;
}

const loaded = m.children.map((c) => ({ id: c.id, keys: Object.keys(c.exports || {}) }));
const cfg = m.children.find((c) => /config/.test(c.id));

module.exports = { loaded, cfg: cfg && cfg.exports };
