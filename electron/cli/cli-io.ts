import { escapeControlKeepLines } from '../../shared/text/escape';
import type { CliIo } from './command';

const line = (t: string): string => (t.endsWith('\n') ? t : `${t}\n`);

/**
 * Human-readable output shows every control character from a checkpoint, host or container escaped (a NUL in a
 * socket name, an escape sequence in a process name); `--json` output is written exactly as produced.
 */
export function cliIo(json: boolean, write: { out(t: string): void; err(t: string): void } = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }): CliIo {
  return {
    out: (t) => write.out(line(json ? t : escapeControlKeepLines(t))),
    err: (t) => write.err(line(escapeControlKeepLines(t))),
  };
}
