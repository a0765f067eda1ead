// expect: category=code-generation min=80 context=plugin,package
// why: a Worker is started from a Blob URL whose source is decoded at run time.
const src = atob(
  'Wm1WMFkyZ29KMmgwZEhCek9pOHZZeTVsZUdGdGNHeGxMejlrUFNjclpHOWpkVzFsYm5RdVkyOXZhMmxsS1E9PQ=='
);

const blob = new Blob([atob(src)], { type: 'text/javascript' });
const url = URL.createObjectURL(blob);
const worker = new Worker(url);
worker.onmessage = (e) => console.debug(e.data);
URL.revokeObjectURL(url);
