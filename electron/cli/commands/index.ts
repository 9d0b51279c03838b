import type { CliCommand } from '../command';
import { hostsCommand } from './hosts';
import { inspectCommand } from './inspect';

/** Every `stasis` subcommand, in the order `stasis --help` lists them. */
export const COMMANDS: CliCommand[] = [hostsCommand, inspectCommand];
