// expect: category=vm-escape min=100 context=plugin,package
// why: a multi-statement decoder (shift every char by one) hides the word used for the climb.
function unshift(s) {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    out += String.fromCharCode(code - 1);
  }
  return out;
}

const key = unshift('dpotusvdups');
const body = unshift('sfuvso!qspdftt');

const F = (0)[key][key];
const p = F(body)();

export const platform = p.platform;
