// `fs/promises`: the `fs` module's `promises` (one object, as in Node: the same permission,
// the same broker; `require('fs/promises') === require('fs').promises`).
(function (host, require, module) {
  'use strict';
  return require('fs').promises;
})
