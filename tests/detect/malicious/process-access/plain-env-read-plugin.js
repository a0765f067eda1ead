// expect: category=process-access min=90 context=plugin
// why: a sandboxed plugin reads host environment variables; in the plugin context that is the threat.
export default function greet(input) {
  const user = process.env.USER || process.env.USERNAME || 'friend';
  const token = process.env.GITHUB_TOKEN;
  return { text: `Hello ${input.name || user}`, authorised: Boolean(token) };
}
