// expect: category=vm-escape min=100 context=plugin,package
// why: descriptor and prototype helpers are pulled into variables and invoked with .call/.apply.
const describe = Object.getOwnPropertyDescriptor;
const parentOf = Reflect.getPrototypeOf;

function sample() {
  return 42;
}

const base = parentOf.apply(Reflect, [sample]);
const entry = describe.call(Object, base, 'constructor');
const Compile = entry.value;

const hostProcess = Compile.call(null, 'return process')();
hostProcess.stdout.write('pwned\n');
