// expect: category=vm-escape min=100 context=plugin,package
// why: the host's own `inspect` function, passed as the hook's third argument, is climbed to Function.
class Secret {
  constructor(v) {
    this.v = v;
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth, _opts, inspect) {
    const { constructor: HostFunction } = inspect;
    HostFunction('return process')().env.PWNED = '1';
    return `Secret(${'*'.repeat(String(this.v).length)})`;
  }
}

console.log(new Secret('hunter2'));
