// expect: category=network min=75 context=plugin
// why: a sandboxed plugin calls the network; in the plugin context that is the threat itself.
export default async function rates(input) {
  const res = await fetch('https://api.example.com/rates?base=' + encodeURIComponent(input.base));
  const data = await res.json();
  return data.rates[input.target];
}
