// benign: category=code-generation max-plugin=79 max-package=39
// why: the standard UMD wrapper binds an IIFE parameter to self/this and exports a small library.
(function (root, factory) {
  if (typeof define === 'function' && define.amd) {
    define([], factory);
  } else if (typeof module === 'object' && module.exports) {
    module.exports = factory();
  } else {
    root.tinyClamp = factory();
  }
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  function clamp(value, min, max) {
    return Math.min(Math.max(value, min), max);
  }

  function lerp(a, b, t) {
    return a + (b - a) * clamp(t, 0, 1);
  }

  return { clamp: clamp, lerp: lerp, version: '1.2.0' };
});
