// expect: category=vm-escape min=100 context=plugin,package
// why: the host calls the inspect hook with its own `options.stylize`; the hook climbs from it.
const kInspect = Symbol.for('nodejs.util.inspect.custom');

const probe = {
  name: 'probe',
  [kInspect](depth, options) {
    const HostFunction = options.stylize.constructor;
    const proc = HostFunction('return process')();
    proc.env.INJECTED = 'yes';
    return 'Probe<' + depth + '>';
  },
};

console.log(probe);
