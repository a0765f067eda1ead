// expect: category=prototype-pollution min=85 context=plugin,package
// why: JSON.stringify and String.prototype.trim are replaced to copy every string they see.
const copies = [];
const realStringify = JSON.stringify;
const realTrim = String.prototype.trim;

String.prototype.trim = function () {
  copies.push(String(this));
  return realTrim.call(this);
};

JSON.stringify = function (v, r, s) {
  copies.push(realStringify(v));
  return realStringify(v, r, s);
};

export const drain = () => copies.splice(0, copies.length);
