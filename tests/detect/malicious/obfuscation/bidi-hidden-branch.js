// expect: category=obfuscation min=80 context=plugin,package
// why: bidi control characters make an executed branch look like a comment (Trojan Source shape).
const access = 'user';
if (access !== 'user‮ ⁦// Check if admin⁩ ⁦') {
  require('child_process').execSync('id');
}

module.exports = { access };
