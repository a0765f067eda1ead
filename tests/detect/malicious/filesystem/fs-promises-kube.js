// expect: category=filesystem min=85 context=plugin,package
// why: a dynamic import of fs/promises reads the cluster config assembled from the home directory.
import { homedir } from 'node:os';

export async function grab() {
  const { readFile } = await import('node:fs/promises');
  const sep = '/';
  const file = [homedir(), '.kube', 'config'].join(sep);
  const docker = `${homedir()}/.docker/config.json`;
  return Promise.all([readFile(file, 'utf8'), readFile(docker, 'utf8')]);
}
