// benign: category=code-generation max-plugin=39 max-package=39
// why: a calculator evaluates arithmetic with its own recursive-descent parser; no code generation.
export function evaluate(expr) {
  const tokens = expr.match(/\d+(\.\d+)?|[-+*/()]/g) || [];
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];

  function primary() {
    const t = next();
    if (t === '(') {
      const v = sum();
      next();
      return v;
    }
    if (t === '-') return -primary();
    return parseFloat(t);
  }
  function product() {
    let v = primary();
    while (peek() === '*' || peek() === '/') v = next() === '*' ? v * primary() : v / primary();
    return v;
  }
  function sum() {
    let v = product();
    while (peek() === '+' || peek() === '-') v = next() === '+' ? v + product() : v - product();
    return v;
  }
  return sum();
}

console.log(evaluate('2 * (3 + 4) - 5 / 2'));
