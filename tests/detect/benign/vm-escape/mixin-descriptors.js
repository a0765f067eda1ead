// benign: category=vm-escape max-plugin=39 max-package=39
// why: a mixin helper copies accessor descriptors between prototypes, skipping `constructor`.
export function mixin(target, ...sources) {
  for (const source of sources) {
    const proto = source.prototype;
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor') continue;
      const desc = Object.getOwnPropertyDescriptor(proto, key);
      Object.defineProperty(target.prototype, key, desc);
    }
  }
  return target;
}

class Serializable {
  toJSON() {
    return Object.fromEntries(Object.entries(this).filter(([k]) => !k.startsWith('_')));
  }
}

class Comparable {
  compareTo(other) {
    return this.valueOf() - other.valueOf();
  }
}

export class Version {
  constructor(n) { this.n = n; this._cache = null; }
  valueOf() { return this.n; }
}
mixin(Version, Serializable, Comparable);
