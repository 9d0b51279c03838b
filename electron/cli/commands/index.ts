import type { CliCommand } from '../command';

/**
 * Every `stasis` subcommand, in the order `stasis --help` lists them. Each is loaded only when run, so
 * `stasis inspect` never pays for ssh2 and the services, nor `stasis ps` for the image reader.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
  /** Work to start before the command loads, in parallel with loading it (given the command's arguments). */
  warm?(argv: string[]): Promise<void>;
}

/** The first argument that is not an option: the checkpoint of `stasis inspect PATH [--json] [--no-fds]`. */
const firstPath = (argv: string[]): string | undefined => argv.find((a) => !a.startsWith('-'));

export const COMMANDS: CommandEntry[] = [
  { name: 'hosts', summary: 'list, add, test and set up hosts', load: async () => (await import('./hosts')).hostsCommand },
  { name: 'inspect', summary: 'show what a checkpoint holds: processes, fds, sockets, memory, mounts', load: async () => (await import('./inspect')).inspectCommand,
    warm: async (argv) => {
      const target = firstPath(argv);
      if (target) (await import('../../inspect/prestart')).prestartFor(target);
    },
  },
  { name: 'diff', summary: 'compare two checkpoints: processes, fds, sockets and memory growth', load: async () => (await import('./diff')).diffCommand },
  { name: 'mem', summary: "search or hexdump a process's memory in a checkpoint", load: async () => (await import('./mem')).memCommand },
  { name: 'ps', summary: 'list containers on every host (or one)', load: async () => (await import('./ps')).psCommand },
  { name: 'checkpoint', summary: 'checkpoint a container or process tree', load: async () => (await import('./checkpoint')).checkpointCommand },
  { name: 'checkpoints', summary: 'list stored checkpoints on every host (or one)', load: async () => (await import('./checkpoints')).checkpointsCommand },
  { name: 'restore', summary: 'restore a checkpoint (into the stopped original, or a new container with --name)', load: async () => (await import('./restore')).restoreCommand },
  { name: 'rm', summary: 'delete a stored checkpoint', load: async () => (await import('./rm')).rmCommand },
  { name: 'migrate', summary: 'move a running container to another host (preflight, streamed transfer, rollback)', load: async () => (await import('./migrate')).migrateCommand },
];
