// benign: category=process-access max-plugin=100 max-package=79
// why: configuration reads NODE_ENV, PORT and LOG_LEVEL with defaults, as every server does.
const env = process.env.NODE_ENV || 'development';

const defaults = {
  development: { port: 3000, logLevel: 'debug', cacheSeconds: 0 },
  test: { port: 0, logLevel: 'warn', cacheSeconds: 0 },
  production: { port: 8080, logLevel: 'info', cacheSeconds: 300 },
};

const base = defaults[env] || defaults.development;

module.exports = {
  env,
  port: Number(process.env.PORT) || base.port,
  logLevel: process.env.LOG_LEVEL || base.logLevel,
  cacheSeconds: base.cacheSeconds,
  isProduction: env === 'production',
};
