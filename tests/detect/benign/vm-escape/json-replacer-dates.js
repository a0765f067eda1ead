// benign: category=vm-escape max-plugin=39 max-package=39
// why: a JSON replacer reads the holder (`this[key]`) to see Dates before toJSON runs.
export function stringifyWithDates(value, space) {
  return JSON.stringify(
    value,
    function (key, v) {
      const raw = this[key];
      if (raw instanceof Date) {
        return { $date: raw.toISOString() };
      }
      if (typeof v === 'bigint') {
        return { $bigint: v.toString() };
      }
      return v;
    },
    space
  );
}

export function parseWithDates(text) {
  return JSON.parse(text, (key, v) => {
    if (v && typeof v === 'object' && typeof v.$date === 'string') return new Date(v.$date);
    if (v && typeof v === 'object' && typeof v.$bigint === 'string') return BigInt(v.$bigint);
    return v;
  });
}
