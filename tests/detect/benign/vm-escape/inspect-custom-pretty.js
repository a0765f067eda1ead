// benign: category=vm-escape max-plugin=39 max-package=39
// why: a value class customises its inspect output using the options it is given.
const custom = Symbol.for('nodejs.util.inspect.custom');

export class Duration {
  constructor(ms) {
    this.ms = ms;
  }

  toString() {
    const s = Math.floor(this.ms / 1000);
    const m = Math.floor(s / 60);
    return m ? `${m}m${s % 60}s` : `${s}.${String(this.ms % 1000).padStart(3, '0')}s`;
  }

  [custom](depth, options, inspect) {
    if (depth < 0) return options.stylize('[Duration]', 'special');
    const inner = inspect(this.ms, { ...options, depth: options.depth === null ? null : options.depth - 1 });
    return `${options.stylize('Duration', 'special')}<${this.toString()} = ${inner}ms>`;
  }
}
