// benign: category=filesystem max-plugin=39 max-package=39
// why: key file paths appear inside English help sentences; nothing touches the filesystem.
const HELP = {
  auth: [
    'Authentication uses your SSH agent. If you have no key yet, run `ssh-keygen -t ed25519`;',
    'it will write ~/.ssh/id_ed25519 and ~/.ssh/id_ed25519.pub. Older setups may use ~/.ssh/id_rsa.',
    'This tool never reads those files itself: it asks the agent to sign.',
  ].join('\n'),
  cloud: 'Cloud credentials are taken from the standard chain (see ~/.aws/credentials in the AWS docs).',
};

export function help(topic) {
  return HELP[topic] || `No help for "${topic}". Topics: ${Object.keys(HELP).join(', ')}`;
}

console.log(help('auth'));
