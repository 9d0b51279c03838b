import { parseArgs } from 'node:util';
import { StasisError } from '../../../shared/api/stasis-error';
import { matchJson, MEM_LIMITS, parseRange, renderDump, renderMatches, type MemQuery } from '../../../shared/inspect/memory-search';
import { dumpMemory, fileOpener, hexAddr, pieceJson, searchMemory } from '../../services/memory-service';
import { UsageError, type CliCommand, type CliIo } from '../command';

function bounded(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new StasisError('bad-request', `--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export const memCommand: CliCommand = {
  usage:
    'stasis mem PATH --pid N (--search TEXT | --regex RE | --hex HEX | --dump ADDR:LEN) [--max N] [--context BYTES] [--json]\n' +
    '       stasis mem HOST CHECKPOINT_ID --pid N (…the same…) [--ssh-config FILE]   (a checkpoint in a host\'s store)',
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
        'ssh-config': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1 && positionals.length !== 2) throw new UsageError('expected a checkpoint path, or a host and a checkpoint id');
    const modes = (['search', 'regex', 'hex', 'dump'] as const).filter((k) => values[k] !== undefined);
    if (modes.length !== 1) throw new UsageError(modes.length ? `--${modes.join(' and --')} cannot be combined; pick one` : 'say what to do: --search, --regex, --hex or --dump');
    if (values.pid === undefined) throw new UsageError('--pid is required');
    if (!/^\d+$/.test(values.pid) || Number(values.pid) < 1) throw new StasisError('bad-request', `--pid ${JSON.stringify(values.pid)} is not a process id`);
    const pid = Number(values.pid);

    if (positionals.length === 2) return storedMem(positionals[0]!, positionals[1]!, pid, values, io);
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

/**
 * Memory of a checkpoint in a host's store, through the app's typed API: its helper streams the archive and the search
 * runs as the pages go by, nothing written to disk. The API's caps apply (matches, dump length).
 */
async function storedMem(
  hostId: string,
  checkpointId: string,
  pid: number,
  values: { search?: string | undefined; regex?: string | undefined; hex?: string | undefined; dump?: string | undefined; max?: string | undefined; context?: string | undefined; json?: boolean | undefined; 'ssh-config'?: string | undefined },
  io: CliIo,
): Promise<number> {
  const { withSession } = await import('./cli-services');
  const source = { hostId, checkpointId };
  if (values.dump !== undefined) {
    const { address, length } = parseRange(values.dump);
    const r = await withSession(values, [hostId], (s) => s.api.images.memDump({ source, pid, address: hexAddr(address), length }));
    if (values.json) io.out(JSON.stringify(r));
    else for (const p of r.pieces) io.out('missing' in p ? `${p.address}  (${p.missing} bytes ${p.reason})` : `${p.address}  ${p.hex}`);
    return 0;
  }
  const query = values.search !== undefined ? { kind: 'text' as const, text: values.search } : values.regex !== undefined ? { kind: 'regex' as const, source: values.regex } : { kind: 'hex' as const, hex: values.hex! };
  const max = bounded(values.max, 'max', MEM_LIMITS.defaultMatches, 1, MEM_LIMITS.maxMatches);
  const context = bounded(values.context, 'context', MEM_LIMITS.defaultContext, 0, MEM_LIMITS.maxContext);
  const r = await withSession(values, [hostId], (s) => s.api.images.memSearch({ source, pid, query, max, context }));
  if (values.json) io.out(JSON.stringify(r));
  else {
    io.out(`${r.matches.length} match${r.matches.length === 1 ? '' : 'es'} in ${r.searchedBytes} bytes of pid ${pid}${r.truncated ? ` (stopped at ${max})` : ''}`);
    for (const m of r.matches) io.out(`${m.address}  ${m.vma ? `${m.vma.label}+${m.vma.offset}` : '(unmapped)'}  ${m.context.text}`);
  }
  return 0;
}
