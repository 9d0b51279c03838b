import { parseArgs } from 'node:util';
import type { InspectReport } from '../../../shared/inspect/report';
import { prestartFor, zstdBinding } from '../../inspect/prestart';
import { discardPrestartedZstdWorker } from '../../inspect/zstd-worker';
import { UsageError, type CliCommand, type CliIo } from '../command';

export const inspectCommand: CliCommand = {
  usage:
    'stasis inspect PATH [--json] [--no-fds]   (PATH: a .tar/.tar.gz/.tar.zst archive or an image directory)\n' +
    '       stasis inspect HOST CHECKPOINT_ID [--json] [--no-fds] [--ssh-config FILE]   (a checkpoint in a host\'s store)',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, 'no-fds': { type: 'boolean' }, 'ssh-config': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1 && positionals.length !== 2) throw new UsageError('expected a checkpoint path, or a host and a checkpoint id');
    const report = positionals.length === 2 ? await storedReportOf(positionals[0]!, positionals[1]!, values) : await reportOf(positionals[0]!);
    if (values.json) writeJson(report, io);
    else io.out((await import('../../../shared/inspect/text')).renderReport(report, { fds: !values['no-fds'] }));
    return 0;
  },
};

/**
 * A checkpoint in a host's store, read from the page-less images kept beside it (the app's Look inside): the time
 * does not grow with the container's memory. Through the same typed API as the app; the command line and
 * environment, which live in the pages, are not in it.
 */
async function storedReportOf(hostId: string, checkpointId: string, values: { 'ssh-config'?: string | undefined }): Promise<InspectReport> {
  const { withSession } = await import('./cli-services');
  const report = await withSession(values, [hostId], (s) => s.api.checkpoints.report({ hostId, checkpointId }));
  // The API's report is the reader's, validated on the way (shared/domain/inspect-report.ts keeps the two in step).
  return report as InspectReport;
}

/** The report alone: the decoded images are garbage by the time the output is written, which bounds peak memory. */
async function reportOf(target: string): Promise<InspectReport> {
  const binding = zstdBinding();
  // The worker boots and starts decompressing while the reader's modules (protobufjs, the report) load: they are
  // imported only after it is started (main.ts may have started it already, see CommandEntry.warm).
  prestartFor(target);
  try {
    const [{ loadCheckpointFile }, { buildReport }, { preparePlainDecoder }] = await Promise.all([
      import('../../inspect/load'),
      import('../../../shared/inspect/report'),
      import('../../../shared/criu/plain-decode'),
      import('../../inspect/precompiled').then((m) => m.loadPrecompiledSchemas()),
    ]);
    // While the worker boots (tens of milliseconds), not later while it waits for the reader.
    preparePlainDecoder();
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
