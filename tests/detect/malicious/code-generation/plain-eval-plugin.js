// expect: category=code-generation min=80 context=plugin
// why: a plugin evaluates its input's formula with eval; in the sandbox any code generation is the threat.
export default function computeColumn(input) {
  const out = [];
  for (const row of input.rows) {
    const scope = { ...row };
    const value = eval('with (scope) { ' + input.formula + ' }');
    out.push({ ...row, [input.column]: value });
  }
  return out;
}
