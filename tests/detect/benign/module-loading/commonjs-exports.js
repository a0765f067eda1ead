// benign: category=module-loading max-plugin=100 max-package=39
// why: the everyday CommonJS export patterns of a small string library.
'use strict';

function camelCase(s) {
  return s.replace(/[-_\s]+(.)?/g, (_, c) => (c ? c.toUpperCase() : ''));
}

function kebabCase(s) {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

function titleCase(s) {
  return s.replace(/\b\w/g, (c) => c.toUpperCase());
}

module.exports = camelCase;
module.exports.camelCase = camelCase;
module.exports.kebabCase = kebabCase;
module.exports.titleCase = titleCase;
module.exports.default = camelCase;
exports.version = '2.0.1';
