import { parseArgs } from 'node:util';
import { buildReport } from '../../../shared/inspect/report';
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
    const { checkpoint, handles } = await loadCheckpointFile(positionals[0]!);
    try {
      const report = await buildReport(checkpoint);
      io.out(values.json ? JSON.stringify(report) : renderReport(report, { fds: !values['no-fds'] }));
    } finally {
      await handles.close();
    }
    return 0;
  },
};
