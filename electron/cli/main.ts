import { COMMANDS } from './commands/index';
import { UsageError } from './command';
import { STASIS_VERSION } from '../services/version';
import { StasisError } from '../../shared/api/stasis-error';
import { cliIo } from './cli-io';

const io = cliIo(false);

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `stasis ${STASIS_VERSION} — checkpoint, inspect and migrate containers with CRIU`,
    '',
    'usage: stasis <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'stasis <command> --help shows a command\'s options. Every command takes --json.',
  ].join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-V') {
    io.out(STASIS_VERSION);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.err(`stasis: unknown command "${name}". Run "stasis --help" for the list.`);
    return 1;
  }
  // Best effort: whatever goes wrong here, the command itself meets again and reports.
  entry.warm?.(rest).catch(() => undefined);
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest, cliIo(rest.includes('--json')));
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`stasis ${name}: ${(err as Error).message}\nusage: ${command.usage}`);
      return 1;
    }
    if (err instanceof StasisError) {
      io.err(`stasis ${name}: ${err.message}${err.detail ? ` (${err.detail.split('\n')[0]})` : ''}`);
      return 1;
    }
    io.err(`stasis ${name}: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return 2;
  }
}

// `stasis inspect X | head` closes our stdout early: that is the reader being done, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
