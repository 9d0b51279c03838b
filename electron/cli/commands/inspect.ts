import { parseArgs } from 'node:util';
import { buildReport, type InspectReport } from '../../../shared/inspect/report';
import { renderReport } from '../../../shared/inspect/text';
import { loadCheckpointFile } from '../../inspect/load';
import { UsageError, type CliCommand } from '../command';

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'show what a checkpoint holds: processes, fds, sockets, memory, mounts',
  usage: 'stasis inspect PATH [--json] [--no-fds]   (PATH: a .tar/.tar.gz/.tar.zst archive or an image directory)',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, 'no-fds': { type: 'boolean' } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError('expected exactly one checkpoint path');
    const report = await reportOf(positionals[0]!);
    io.out(values.json ? JSON.stringify(report) : renderReport(report, { fds: !values['no-fds'] }));
    return 0;
  },
};

/** The report alone: the decoded images are garbage by the time the output is written, which bounds peak memory. */
async function reportOf(target: string): Promise<InspectReport> {
  const { checkpoint, handles } = await loadCheckpointFile(target);
  try {
    return await buildReport(checkpoint);
  } finally {
    await handles.close();
  }
}
