// benign: category=prototype-pollution max-plugin=39 max-package=39
// why: `__proto__` appears only in error messages and docs of a config validator.
const messages = {
  reserved: (key) => `"${key}" is reserved (keys like __proto__ or constructor are not allowed)`,
  type: (key, want) => `"${key}" must be a ${want}`,
};

export function validate(config) {
  const errors = [];
  for (const key of Object.keys(config)) {
    if (key === '__proto__' || key === 'constructor') errors.push(messages.reserved(key));
  }
  if (typeof config.name !== 'string') errors.push(messages.type('name', 'string'));
  if (config.retries !== undefined && !Number.isInteger(config.retries)) {
    errors.push(messages.type('retries', 'integer'));
  }
  return errors;
}
