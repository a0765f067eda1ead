// expect: category=prototype-pollution min=85 context=plugin,package
// why: Reflect.set through an alias writes onto Array.prototype and Object.prototype.
const put = Reflect.set;
const targets = [Array.prototype, Object.prototype];

targets.forEach((t) => put(t, 'polluted', true));
put(Function.prototype, 'call', function () {
  return 'hijacked';
});
