// benign: category=filesystem max-plugin=39 max-package=39
// why: prints a completion script and tells the user which start-up file to edit; writes nothing.
const SCRIPT = `_wordcount() {
  COMPREPLY=( $(compgen -W "--verbose --out --help" -- "\${COMP_WORDS[COMP_CWORD]}") )
}
complete -F _wordcount wordcount`;

const SHELLS = {
  bash: 'Add this line to ~/.bashrc:  eval "$(wordcount completion bash)"',
  zsh: 'Add this line to ~/.zshrc:   eval "$(wordcount completion zsh)"',
};

export function completion(shell = 'bash') {
  console.log(SCRIPT);
  console.error(`\n# ${SHELLS[shell] || 'Unsupported shell: ' + shell}`);
}
