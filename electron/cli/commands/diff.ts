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
  usage: 'stasis diff A B [--json]   (A, B: checkpoint archives or image directories; A is the older one)',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    if (positionals.length !== 2) throw new UsageError('expected two checkpoint paths');
    // One after the other: each read holds only its own metadata.
    const a = await reportOf(positionals[0]!);
    const b = await reportOf(positionals[1]!);
    const d = { ...diffReports(a, b), identical: await pathIdentity(positionals[0]!, positionals[1]!) };
    io.out(values.json ? JSON.stringify(d) : renderDiff(d));
    return 0;
  },
};
