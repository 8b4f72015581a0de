// `myco completion bash|zsh`: prints the shell completion script (host/cli/completion.ts).
import type { Command } from "commander";
import { bashCompletion, zshCompletion } from "../completion.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

export function completionCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("completion").argument("<shell>", "bash or zsh").description("print the shell completion script")
    .action((shell: string) => {
      if (shell === "bash") io.out(bashCompletion(program).trimEnd());
      else if (shell === "zsh") io.out(zshCompletion(program).trimEnd());
      else { io.err(`myco completion: '${shell}' is not bash or zsh`); return exit(EXIT.usage); }
      exit(EXIT.ok);
    });
}
