// benign: category=process-access max-plugin=100 max-package=79
// why: a CLI parses process.argv and sets process.exitCode.
function parseArgs(argv) {
  const opts = { _: [], verbose: false, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-v' || a === '--verbose') opts.verbose = true;
    else if (a === '-o' || a === '--out') opts.out = argv[++i];
    else if (a.startsWith('--out=')) opts.out = a.slice(6);
    else opts._.push(a);
  }
  return opts;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts._.length === 0) {
    console.error('usage: wordcount [-v] [-o FILE] TEXT...');
    process.exitCode = 2;
    return;
  }
  const words = opts._.join(' ').split(/\s+/).filter(Boolean).length;
  if (opts.verbose) console.error(`counted ${words} words`);
  console.log(words);
}

main();
