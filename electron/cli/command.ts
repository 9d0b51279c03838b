/** One `stasis` subcommand (its name and summary live in commands/index.ts). `run` returns the exit code: 0 ok, 1 bad input or failure (reason on stderr). */
export interface CliCommand {
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Thrown for bad input; main prints the one-line reason and the command's usage, and exits 1. */
export class UsageError extends Error {}
