import type { CliCommand } from '../command';
import { hostsCommand } from './hosts';
import { inspectCommand } from './inspect';
import { diffCommand } from './diff';
import { memCommand } from './mem';
import { psCommand } from './ps';
import { checkpointCommand } from './checkpoint';
import { checkpointsCommand } from './checkpoints';
import { restoreCommand } from './restore';
import { rmCommand } from './rm';

/** Every `stasis` subcommand, in the order `stasis --help` lists them. */
export const COMMANDS: CliCommand[] = [hostsCommand, inspectCommand, diffCommand, memCommand, psCommand, checkpointCommand, checkpointsCommand, restoreCommand, rmCommand];
