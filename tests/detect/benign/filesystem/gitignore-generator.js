// benign: category=filesystem max-plugin=100 max-package=79
// why: a project scaffolder writes a .gitignore that lists secret files so they are never committed.
const fs = require('fs');
const path = require('path');

const TEMPLATE = `# dependencies
node_modules/
# build output
dist/
coverage/
# secrets: never commit these
.env
.env.*
.npmrc
*.pem
id_rsa
`;

function writeGitignore(projectDir) {
  const target = path.join(projectDir, '.gitignore');
  if (fs.existsSync(target)) {
    console.log('.gitignore exists, leaving it alone');
    return false;
  }
  fs.writeFileSync(target, TEMPLATE);
  return true;
}

module.exports = { writeGitignore };
