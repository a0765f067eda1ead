// expect: category=process-access min=90 context=plugin
// why: process.mainModule.require gives the host's own loader to plugin code.
function loader() {
  const main = process.mainModule || require.main;
  return main.require.bind(main);
}

const req = loader();
const os = req('os');

module.exports = () => ({ user: os.userInfo(), up: os.uptime() });
