// Shell completion scripts for bash and zsh, generated from the commands as registered (so a
// new command or option completes without editing this file). Service names complete from a
// running `myco run` (`myco status --json`), files elsewhere.
import type { Command } from "commander";

/** Commands whose argument is a service of the running supervisor. */
const SERVICE_ARGUMENT = /^<service>|^\[service\]/;

interface Spec { name: string; description: string; options: { flags: string[]; description: string }[]; service: boolean }

function specs(program: Command): Spec[] {
  return program.commands.map((c) => ({
    name: c.name(),
    description: c.description(),
    options: c.options.map((o) => ({ flags: [o.short, o.long].filter((f): f is string => !!f), description: o.description })),
    service: c.registeredArguments.some((a) => SERVICE_ARGUMENT.test(a.required ? `<${a.name()}>` : `[${a.name()}]`)),
  }));
}

const SERVICES = `myco status --json 2>/dev/null | sed -n 's/.*"service": "\\([^"]*\\)".*/\\1/p'`;

export function bashCompletion(program: Command): string {
  const all = specs(program);
  const cases = all.map((s) => `    ${s.name}) opts="${s.options.flatMap((o) => o.flags).concat("--help").join(" ")}"; services=${s.service ? 1 : 0} ;;`);
  return `# bash completion for myco: eval "$(myco completion bash)" (or save it in /etc/bash_completion.d/myco)
_myco() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts="" services=0
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${all.map((s) => s.name).join(" ")} --help --version" -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join("\n")}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  elif [ "$services" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "$(${SERVICES})" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o default -F _myco myco
`;
}

export function zshCompletion(program: Command): string {
  const all = specs(program);
  const quote = (text: string) => text.replace(/'/g, "'\\''").replace(/[[\]:]/g, "\\$&");
  const commands = all.map((s) => `    '${s.name}:${quote(s.description)}'`);
  const cases = all.map((s) => {
    const options = s.options.map((o) => (o.flags.length > 1 ? `'(${o.flags.join(" ")})'{${o.flags.join(",")}}'[${quote(o.description)}]'` : `'${o.flags[0]}[${quote(o.description)}]'`));
    const argument = s.service ? "'*:service:_myco_services'" : "'*:file:_files'";
    return `    ${s.name}) _arguments ${[...options, argument].join(" ")} ;;`;
  });
  return `#compdef myco
# zsh completion for myco: myco completion zsh > "\${fpath[1]}/_myco" (then compinit)
_myco_services() {
  local -a services
  services=( \${(f)"$(${SERVICES})"} )
  _describe 'service' services
}
_myco() {
  local -a commands
  commands=(
${commands.join("\n")}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case $words[1] in
${cases.join("\n")}
  esac
}
_myco "$@"
`;
}
