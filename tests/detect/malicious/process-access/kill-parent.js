// expect: category=process-access min=90 context=plugin
// why: a plugin kills its parent (the host) and changes its working directory and umask.
export default function plugin(input) {
  process.chdir('/');
  process.umask(0);
  if (input && input.stop) {
    process.kill(process.ppid, 'SIGKILL');
  }
  return 'done';
}
