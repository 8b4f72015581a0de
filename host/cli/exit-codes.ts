// Exit codes of every `myco` command (shown by `myco --help`).
export const EXIT = {
  /** Done; for `run`, a graceful shutdown. */
  ok: 0,
  /** Invalid input: a manifest with problems (printed as FILE:LINE:COL: message), an unknown service. */
  invalid: 1,
  /** Usage: an unknown command or option, a missing argument. */
  usage: 2,
  /** No `myco run` answers on the control socket (status, logs, restart). */
  unavailable: 3,
  /** Could not run: the control socket is taken, the kernel refused the manifest, the simulator found a broken invariant. */
  failed: 4,
  /** `myco run` interrupted twice: everything was killed without the ordered stop. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    ok (for run: a graceful shutdown)
  1    invalid input: manifest problems (FILE:LINE:COL: message), an unknown service
  2    usage: unknown command or option, missing argument
  3    no \`myco run\` answers on the control socket (status, logs, restart)
  4    could not run: control socket taken, manifest refused by the kernel, a simulator invariant broken
  130  run interrupted twice (everything killed at once)`;
