// expect: category=prototype-pollution min=85 context=plugin,package
// why: Object.getPrototypeOf of a plain object is Object.prototype; a field from input is written to it.
export default function configure(input) {
  const root = Object.getPrototypeOf({});
  for (const [field, value] of Object.entries(input.defaults || {})) {
    root[field] = value;
  }
  return { ok: true };
}
