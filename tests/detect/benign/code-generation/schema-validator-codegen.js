// benign: category=code-generation max-plugin=100 max-package=79
// why: a JSON-schema validator generates a checking function from a schema, as fast validators do.
function checks(schema, path) {
  const lines = [];
  if (schema.type) lines.push(`if (typeof ${path} !== ${JSON.stringify(schema.type)}) return false;`);
  if (schema.minimum !== undefined) lines.push(`if (${path} < ${Number(schema.minimum)}) return false;`);
  if (schema.maxLength !== undefined)
    lines.push(`if (${path}.length > ${Number(schema.maxLength)}) return false;`);
  for (const [key, sub] of Object.entries(schema.properties || {})) {
    if (!/^[A-Za-z_$][\w$]*$/.test(key)) throw new Error(`unsupported key ${key}`);
    lines.push(...checks(sub, `${path}.${key}`));
  }
  return lines;
}

export function compileSchema(schema) {
  const body = [...checks(schema, 'data'), 'return true;'].join('\n');
  return new Function('data', body);
}

const isUser = compileSchema({
  type: 'object',
  properties: { name: { type: 'string', maxLength: 40 }, age: { type: 'number', minimum: 0 } },
});
console.log(isUser({ name: 'Ada', age: 36 }));
