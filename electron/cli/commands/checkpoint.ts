import { parseArgs } from 'node:util';
import { StasisError } from '../../../shared/api/errors';
import type { Checkpoint, CheckpointOptions } from '../../../shared/domain/checkpoint';
import type { Runtime } from '../../../shared/domain/container';
import { UsageError, type CliCommand } from '../command';
import { HOST_OPTIONS, mib, progressPrinter, withSession } from './cli-services';

export function describeCheckpoint(c: Checkpoint): string {
  return [
    `${c.id}  ${c.container.runtime} ${c.container.name}  on ${c.hostId}`,
    `  created ${c.created}, archive ${mib(c.sizes.archive)} (memory ${mib(c.sizes.pages)}), lineage ${c.lineage}${c.parent ? `, parent ${c.parent}` : ''}`,
    ...(c.note ? [`  note: ${c.note}`] : []),
  ].join('\n');
}

export const checkpointCommand: CliCommand = {
  usage:
    'stasis checkpoint HOST CONTAINER [--runtime podman|docker|process] [--leave-running] [--tcp-established] [--file-locks] ' +
    '[--ignore-rootfs] [--ignore-volumes] [--keep] [--compress none|gzip|zstd] [--pre-checkpoint] [--with-previous ID] ' +
    '[--keep-last N] [--note TEXT] [--allow-lost-processes] [--json] [--ssh-config FILE]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...HOST_OPTIONS,
        runtime: { type: 'string' },
        'leave-running': { type: 'boolean' },
        'tcp-established': { type: 'boolean' },
        'file-locks': { type: 'boolean' },
        'ignore-rootfs': { type: 'boolean' },
        'ignore-volumes': { type: 'boolean' },
        keep: { type: 'boolean' },
        compress: { type: 'string' },
        'pre-checkpoint': { type: 'boolean' },
        'with-previous': { type: 'string' },
        'keep-last': { type: 'string' },
        note: { type: 'string' },
        'allow-lost-processes': { type: 'boolean' },
      },
    });
    const [host, container] = positionals;
    if (!host || !container || positionals.length > 2) throw new UsageError('give a HOST and a CONTAINER (name, id, or PID with --runtime process)');
    if (values.runtime && !['podman', 'docker', 'process'].includes(values.runtime)) throw new UsageError('--runtime is podman, docker or process');
    if (values.compress && !['none', 'gzip', 'zstd'].includes(values.compress)) throw new UsageError('--compress is none, gzip or zstd');
    const keepLast = values['keep-last'] === undefined ? undefined : Number(values['keep-last']);
    if (keepLast !== undefined && !Number.isInteger(keepLast)) throw new UsageError('--keep-last takes a whole number');
    const options: CheckpointOptions = {
      ...(values['leave-running'] ? { leaveRunning: true } : {}),
      ...(values['tcp-established'] ? { tcpEstablished: true } : {}),
      ...(values['file-locks'] ? { fileLocks: true } : {}),
      ...(values['ignore-rootfs'] ? { ignoreRootfs: true } : {}),
      ...(values['ignore-volumes'] ? { ignoreVolumes: true } : {}),
      ...(values.keep ? { keep: true } : {}),
      ...(values.compress ? { compression: values.compress as CheckpointOptions['compression'] } : {}),
      ...(values['pre-checkpoint'] ? { preCheckpoint: true } : {}),
      ...(values['with-previous'] ? { withPrevious: values['with-previous'] } : {}),
      ...(keepLast !== undefined ? { keepLast } : {}),
      ...(values.note ? { note: values.note } : {}),
    };
    const progress = progressPrinter(io, Boolean(values.json));
    const made = await withSession(values, [host], async (s) => {
      let runtime = values.runtime as Runtime | undefined;
      if (!runtime) {
        // Find the runtime that has this container; a bare number nobody claims is a PID.
        const list = await s.api.containers.list({ hostId: host });
        const hit = list.containers.find((c) => c.name === container || c.id === container || c.id.startsWith(container));
        if (hit) runtime = hit.runtime;
        else if (/^[1-9][0-9]*$/.test(container)) runtime = 'process';
        else throw new StasisError('not-found', `No container "${container}" on ${host}. Run "stasis ps --host ${host}" to see them.`);
      }
      const off = s.on('operationProgress', (p) => progress.update(p));
      try {
        return await s.api.checkpoints.create({
          hostId: host,
          runtime,
          container,
          options,
          ...(values['allow-lost-processes'] ? { allowLostProcesses: true } : {}),
        });
      } catch (err) {
        // The service names no flag; the CLI says how to go on anyway, and lists every process that would be lost.
        if (err instanceof StasisError && err.code === 'lost-processes') {
          throw new StasisError(err.code, `${err.message} Run again with --allow-lost-processes to checkpoint anyway.`, err.detail?.replace(/\n/g, '; '));
        }
        throw err;
      } finally {
        off();
        progress.end();
      }
    });
    io.out(values.json ? JSON.stringify(made, null, 2) : describeCheckpoint(made));
    return 0;
  },
};
