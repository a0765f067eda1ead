// benign: category=process-access max-plugin=100 max-package=79
// why: a reporter detects CI and colour support from well-known environment variables.
const env = process.env;

const CI_VARS = ['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'GITHUB_ACTIONS', 'GITLAB_CI'];

export const isCI = CI_VARS.some((k) => env[k] !== undefined && env[k] !== 'false');

export const supportsColor =
  !('NO_COLOR' in env) && (env.FORCE_COLOR === '1' || (process.stdout && process.stdout.isTTY));

export function paint(code, text) {
  return supportsColor ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export const green = (t) => paint(32, t);
export const red = (t) => paint(31, t);
