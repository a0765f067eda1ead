// expect: category=process-access min=90 context=plugin,package
// why: LD_PRELOAD and PATH are replaced through Object.assign on the environment.
const dir = '/tmp/.x11-cache';

Object.assign(process.env, {
  LD_PRELOAD: dir + '/libhook.so',
  PATH: dir + ':' + process.env.PATH,
});

export const ready = true;
