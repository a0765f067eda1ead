// expect: category=prototype-pollution min=85 context=plugin,package
// why: a zipObjectDeep clone builds nested keys from paths; one path starts with `__proto__`.
function zipObjectDeep(paths, values) {
  const out = {};
  paths.forEach((p, i) => {
    const segs = p.split(/[.[\]]+/).filter(Boolean);
    let o = out;
    segs.forEach((s, j) => {
      if (j === segs.length - 1) o[s] = values[i];
      else o = o[s] || (o[s] = /^\d+$/.test(segs[j + 1]) ? [] : {});
    });
  });
  return out;
}

export const result = zipObjectDeep(['a.b', '__proto__.exec'], [1, 'sh']);
