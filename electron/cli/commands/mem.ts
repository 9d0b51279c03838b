import { parseArgs } from 'node:util';
import { StasisError } from '../../../shared/api/stasis-error';
import { matchJson, MEM_LIMITS, parseRange, renderDump, renderMatches, type MemQuery } from '../../../shared/inspect/memory-search';
import { dumpMemory, fileOpener, hexAddr, pieceJson, searchMemory } from '../../services/memory-service';
import { UsageError, type CliCommand } from '../command';

function bounded(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new StasisError('bad-request', `--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export const memCommand: CliCommand = {
  usage:
    'stasis mem PATH --pid N (--search TEXT | --regex RE | --hex HEX | --dump ADDR:LEN) [--max N] [--context BYTES] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        pid: { type: 'string' },
        search: { type: 'string' },
        regex: { type: 'string' },
        hex: { type: 'string' },
        dump: { type: 'string' },
        max: { type: 'string' },
        context: { type: 'string' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one checkpoint path');
    const modes = (['search', 'regex', 'hex', 'dump'] as const).filter((k) => values[k] !== undefined);
    if (modes.length !== 1) throw new UsageError(modes.length ? `--${modes.join(' and --')} cannot be combined; pick one` : 'say what to do: --search, --regex, --hex or --dump');
    if (values.pid === undefined) throw new UsageError('--pid is required');
    if (!/^\d+$/.test(values.pid) || Number(values.pid) < 1) throw new StasisError('bad-request', `--pid ${JSON.stringify(values.pid)} is not a process id`);
    const pid = Number(values.pid);

    // Every argument is checked before the (possibly long) read of the archive starts.
    const open = fileOpener(positionals[0]!);
    if (values.dump !== undefined) {
      const { address, length } = parseRange(values.dump);
      const { pieces, vmas } = await dumpMemory(open, pid, address, length);
      io.out(values.json ? JSON.stringify({ pid, address: hexAddr(address), length, pieces: pieces.map(pieceJson) }) : renderDump(pid, pieces, vmas));
      return 0;
    }

    const query: MemQuery = values.search !== undefined ? { kind: 'text', text: values.search } : values.regex !== undefined ? { kind: 'regex', source: values.regex } : { kind: 'hex', hex: values.hex! };
    const max = bounded(values.max, 'max', MEM_LIMITS.defaultMatches, 1, MEM_LIMITS.maxMatches);
    const context = bounded(values.context, 'context', MEM_LIMITS.defaultContext, 0, MEM_LIMITS.maxContext);
    const { searcher, vmas } = await searchMemory(open, pid, query, max, context);
    const label = query.kind === 'text' ? JSON.stringify(query.text) : query.kind === 'hex' ? `hex ${query.hex}` : `/${query.source}/`;
    io.out(values.json
      ? JSON.stringify({ pid, query, searchedBytes: searcher.searchedBytes, truncated: searcher.full, matches: searcher.matches.map((m) => matchJson(m, vmas)) })
      : renderMatches(pid, label, searcher.matches, vmas, { searchedBytes: searcher.searchedBytes, max }));
    return 0;
  },
};
