// benign: category=prototype-pollution max-plugin=100 max-package=79
// why: a polyfill adds Array.prototype.at only when it is missing, non-enumerable, as polyfills do.
if (!Array.prototype.at) {
  Object.defineProperty(Array.prototype, 'at', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function at(index) {
      const len = this.length >>> 0;
      let k = Math.trunc(index) || 0;
      if (k < 0) k += len;
      return k < 0 || k >= len ? undefined : this[k];
    },
  });
}

if (!String.prototype.at) {
  Object.defineProperty(String.prototype, 'at', {
    configurable: true,
    writable: true,
    value: function at(index) {
      return Array.prototype.at.call(String(this), index);
    },
  });
}
