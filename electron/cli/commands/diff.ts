import { parseArgs } from 'node:util';
import { diffReports, renderDiff } from '../../../shared/inspect/diff';
import { buildReport, type InspectReport } from '../../../shared/inspect/report';
import { loadCheckpointFile } from '../../inspect/load';
import { pathIdentity } from '../../services/checkpoint-identity';
import { UsageError, type CliCommand } from '../command';

async function reportOf(target: string): Promise<InspectReport> {
  const { checkpoint, handles } = await loadCheckpointFile(target);
  try {
    return await buildReport(checkpoint);
  } finally {
    await handles.close();
  }
}

export const diffCommand: CliCommand = {
  usage:
    'stasis diff A B [--json]   (A, B: checkpoint archives or image directories; A is the older one)\n' +
    '       stasis diff HOST A_ID B_ID [--json] [--ssh-config FILE]   (two checkpoints in a host\'s store, the older first)',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, 'ssh-config': { type: 'string' } }, allowPositionals: true, strict: true });
    if (positionals.length === 3) {
      const [hostId, before, after] = positionals as [string, string, string];
      const { withSession } = await import('./cli-services');
      const d = await withSession(values, [hostId], (s) => s.api.checkpoints.diff({ hostId, before, after }));
      io.out(values.json ? JSON.stringify(d) : renderDiff(d as Parameters<typeof renderDiff>[0]));
      return 0;
    }
    if (positionals.length !== 2) throw new UsageError('expected two checkpoint paths, or a host and two checkpoint ids');
    // One after the other: each read holds only its own metadata.
    const a = await reportOf(positionals[0]!);
    const b = await reportOf(positionals[1]!);
    const d = { ...diffReports(a, b), identical: await pathIdentity(positionals[0]!, positionals[1]!) };
    io.out(values.json ? JSON.stringify(d) : renderDiff(d));
    return 0;
  },
};
