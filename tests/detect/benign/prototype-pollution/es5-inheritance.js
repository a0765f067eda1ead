// benign: category=prototype-pollution max-plugin=39 max-package=39
// why: ES5-style inheritance assigns to the prototypes of the library's own constructors.
function Shape(x, y) {
  this.x = x;
  this.y = y;
}

Shape.prototype.move = function (dx, dy) {
  this.x += dx;
  this.y += dy;
  return this;
};

function Circle(x, y, r) {
  Shape.call(this, x, y);
  this.r = r;
}

Circle.prototype = Object.create(Shape.prototype);
Circle.prototype.constructor = Circle;
Circle.prototype.area = function () {
  return Math.PI * this.r * this.r;
};

module.exports = { Shape, Circle };
