// benign: category=vm-escape max-plugin=39 max-package=39
// why: destructuring pulls `constructor` once, then only its `name`, to label errors.
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
    Error.captureStackTrace?.(this, this.constructor);
  }
}

export function label(err) {
  const {
    constructor: { name },
    message,
  } = err;
  return `${name}: ${message}`;
}

export function toResponse(err) {
  const status = err instanceof HttpError ? err.status : 500;
  return { status, body: { error: label(err) } };
}
