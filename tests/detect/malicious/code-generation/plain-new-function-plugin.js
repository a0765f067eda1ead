// expect: category=code-generation min=80 context=plugin
// why: a plugin compiles a user predicate with new Function; in the sandbox that is code generation.
function predicate(expr) {
  return new Function('item', 'return ' + expr + ';');
}

export default function filterItems(input) {
  const keep = predicate(input.where);
  return input.items.filter((item) => keep(item));
}
