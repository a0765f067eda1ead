// benign: category=prototype-pollution max-plugin=39 max-package=39
// why: a custom Error fixes its prototype chain with Object.setPrototypeOf(this, new.target.prototype).
export class ValidationError extends Error {
  constructor(field, message) {
    super(`${field}: ${message}`);
    this.name = 'ValidationError';
    this.field = field;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export function assertEmail(value) {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
    throw new ValidationError('email', 'not an e-mail address');
  }
  return value;
}
