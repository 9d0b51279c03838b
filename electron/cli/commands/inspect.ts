import { parseArgs } from 'node:util';
import type { InspectReport } from '../../../shared/inspect/report';
import { prestartFor, zstdBinding } from '../../inspect/prestart';
import { discardPrestartedZstdWorker } from '../../inspect/zstd-worker';
import { UsageError, type CliCommand, type CliIo } from '../command';

export const inspectCommand: CliCommand = {
  usage: 'stasis inspect PATH [--json] [--no-fds]   (PATH: a .tar/.tar.gz/.tar.zst archive or an image directory)',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, 'no-fds': { type: 'boolean' } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError('expected exactly one checkpoint path');
    const report = await reportOf(positionals[0]!);
    if (values.json) writeJson(report, io);
    else io.out((await import('../../../shared/inspect/text')).renderReport(report, { fds: !values['no-fds'] }));
    return 0;
  },
};

/** The report alone: the decoded images are garbage by the time the output is written, which bounds peak memory. */
async function reportOf(target: string): Promise<InspectReport> {
  const binding = zstdBinding();
  // The worker boots and starts decompressing while the reader's modules (protobufjs, the report) load: they are
  // imported only after it is started (main.ts may have started it already, see CommandEntry.warm).
  prestartFor(target);
  try {
    const [{ loadCheckpointFile }, { buildReport }, { prepareSchemas }] = await Promise.all([
      import('../../inspect/load'),
      import('../../../shared/inspect/report'),
      import('../../../shared/criu/schemas'),
      import('../../inspect/precompiled').then((m) => m.loadPrecompiledSchemas()),
    ]);
    // While the worker boots (tens of milliseconds), not later while it waits for the reader.
    prepareSchemas();
    const { checkpoint, handles } = await loadCheckpointFile(target, binding ? { zstdWorkerBinding: binding } : {});
    try {
      return await buildReport(checkpoint);
    } finally {
      await handles.close();
    }
  } finally {
    await discardPrestartedZstdWorker();
  }
}

/**
 * One JSON object, written a process at a time: a checkpoint of hundreds of processes makes megabytes of JSON, and
 * holding it whole (plus its UTF-8 copy) would add to peak memory. Line breaks between values are valid JSON.
 */
function writeJson(report: InspectReport, io: CliIo): void {
  const { source, processes, ...rest } = report;
  io.out(`{"source":${JSON.stringify(source)},"processes":[`);
  processes.forEach((p, i) => io.out(`${i ? ',' : ''}${JSON.stringify(p)}`));
  const tail = JSON.stringify(rest);
  io.out(`],${tail.slice(1)}`);
}
