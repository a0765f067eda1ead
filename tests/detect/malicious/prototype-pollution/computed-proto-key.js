// expect: category=prototype-pollution min=85 context=plugin,package
// why: the `__proto__` key is joined from parts and used as a computed member for a write.
const k = ['__pro', 'to__'].join('');

function tag(obj, name, value) {
  obj[k][name] = value;
  return obj;
}

tag({}, 'toString', () => 'owned');
tag([], 'polluted', 1);
