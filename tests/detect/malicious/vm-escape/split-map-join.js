// expect: category=vm-escape min=100 context=plugin,package
// why: char codes are split, mapped through fromCharCode and joined into the climb's key.
const codes = '99 111 110 115 116 114 117 99 116 111 114';
const key = codes
  .split(' ')
  .map((n) => String.fromCharCode(Number(n)))
  .join('');

const body = [114, 101, 116, 117, 114, 110, 32, 112, 114, 111, 99, 101, 115, 115]
  .map((c) => String.fromCharCode(c))
  .join('');

const Fn = ''[key][key];
const proc = Fn(body)();

export function cwd() {
  return proc.cwd();
}
