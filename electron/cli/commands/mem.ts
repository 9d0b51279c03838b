import { parseArgs } from 'node:util';
import { StasisError } from '../../../shared/api/stasis-error';
import { ProcessMemory } from '../../../shared/inspect/memory';
import {
  compileQuery, dumpPlan, matchJson, MEM_LIMITS, MemorySearcher, memTarget, parseRange, readRange, renderDump, renderMatches,
  searchRandomAccess, streamPlan, vmaInfo, type MemQuery,
} from '../../../shared/inspect/memory-search';
import { memoryMapOf } from '../../../shared/inspect/report';
import { loadCheckpointFile } from '../../inspect/load';
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
    if (values.dump !== undefined) {
      const { address, length } = parseRange(values.dump);
      const { checkpoint, handles } = await loadCheckpointFile(positionals[0]!, { capture: dumpPlan(pid, address, length) });
      try {
        memTarget(checkpoint.images, pid);
        const vmas = vmaInfo(memoryMapOf(checkpoint, pid));
        const pieces = await readRange(ProcessMemory.of(checkpoint, pid), vmas, address, length);
        if (pieces.every((p) => 'missing' in p && p.reason === 'not mapped')) {
          throw new StasisError('not-found', `0x${address.toString(16)}..0x${(address + length).toString(16)} is not mapped in process ${pid}`);
        }
        io.out(values.json
          ? JSON.stringify({ pid, address: `0x${address.toString(16)}`, length, pieces: pieces.map((p) => ('missing' in p ? { address: `0x${p.address.toString(16)}`, missing: p.missing, reason: p.reason } : { address: `0x${p.address.toString(16)}`, hex: Array.from(p.bytes, (b) => b.toString(16).padStart(2, '0')).join('') })) })
          : renderDump(pid, pieces, vmas));
      } finally {
        await handles.close();
      }
      return 0;
    }

    const query: MemQuery = values.search !== undefined ? { kind: 'text', text: values.search } : values.regex !== undefined ? { kind: 'regex', source: values.regex } : { kind: 'hex', hex: values.hex! };
    const pattern = compileQuery(query);
    const max = bounded(values.max, 'max', MEM_LIMITS.defaultMatches, 1, MEM_LIMITS.maxMatches);
    const context = bounded(values.context, 'context', MEM_LIMITS.defaultContext, 0, MEM_LIMITS.maxContext);
    const searcher = new MemorySearcher(pattern, max, context);
    // Compressed archives cannot seek: the search runs on the pages as they stream by, so nothing is held.
    const { checkpoint, handles } = await loadCheckpointFile(positionals[0]!, {
      capture: () => [],
      stream: streamPlan(pid, (address, bytes) => {
        if (searcher.wantsMore) searcher.feed(address, bytes);
      }),
    });
    try {
      const target = memTarget(checkpoint.images, pid);
      const pages = target.pagesFile ? checkpoint.pages.get(target.pagesFile) : undefined;
      if (!pages) throw new StasisError('not-found', `process ${pid} has no dumped pages in this checkpoint`);
      if (pages.access) await searchRandomAccess(ProcessMemory.of(checkpoint, pid), searcher);
      const vmas = vmaInfo(memoryMapOf(checkpoint, pid));
      const label = query.kind === 'text' ? JSON.stringify(query.text) : query.kind === 'hex' ? `hex ${query.hex}` : `/${query.source}/`;
      io.out(values.json
        ? JSON.stringify({ pid, query, searchedBytes: searcher.searchedBytes, truncated: searcher.full, matches: searcher.matches.map((m) => matchJson(m, vmas)) })
        : renderMatches(pid, label, searcher.matches, vmas, { searchedBytes: searcher.searchedBytes, max }));
    } finally {
      await handles.close();
    }
    return 0;
  },
};
