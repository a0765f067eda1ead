// benign: category=module-loading max-plugin=100 max-package=79
// why: a client router lazily imports page modules from its own routes folder.
const routes = {
  '/': 'home',
  '/about': 'about',
  '/settings': 'settings',
};

const loaded = new Map();

export async function loadPage(pathname) {
  const name = routes[pathname] || 'not-found';
  if (!loaded.has(name)) {
    loaded.set(name, import(`./routes/${name}.js`));
  }
  const mod = await loaded.get(name);
  return mod.default;
}

export async function navigate(pathname, mount) {
  const Page = await loadPage(pathname);
  mount.replaceChildren(Page());
  history.pushState({}, '', pathname);
}
