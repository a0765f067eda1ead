// benign: category=vm-escape max-plugin=39 max-package=39
// why: a class hierarchy reads static defaults through `this.constructor`, a common OO idiom.
class Widget {
  static defaults = { padding: 4, border: true };

  constructor(options = {}) {
    this.options = { ...this.constructor.defaults, ...options };
    this.id = `${this.constructor.name.toLowerCase()}-${Widget.count++}`;
  }

  clone(overrides) {
    return new this.constructor({ ...this.options, ...overrides });
  }
}
Widget.count = 0;

class Button extends Widget {
  static defaults = { ...Widget.defaults, label: 'OK' };

  render() {
    return `<button id="${this.id}" style="padding:${this.options.padding}px">${this.options.label}</button>`;
  }
}

export { Widget, Button };
