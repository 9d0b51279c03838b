import { StasisError } from '../../../shared/api/errors';
import { CheckpointOptions, type Checkpoint } from '../../../shared/domain/checkpoint';
import { CHECKPOINT_OPTIONS } from '../../../shared/domain/checkpoint-options';
import type { Runtime } from '../../../shared/domain/container';
import { UsageError, type CliCommand } from '../command';
import { flagConfig, flagUsage, optionsFromFlags } from '../option-flags';
import { mib, parseHostCommand, progressPrinter, withSession } from './cli-services';

export function describeCheckpoint(c: Checkpoint): string {
  return [
    `${c.id}  ${c.container.runtime} ${c.container.name}  on ${c.hostId}`,
    `  created ${c.created}, archive ${mib(c.sizes.archive)} (memory ${mib(c.sizes.pages)}), lineage ${c.lineage}${c.parent ? `, parent ${c.parent}` : ''}`,
    ...(c.note ? [`  note: ${c.note}`] : []),
  ].join('\n');
}

export const checkpointCommand: CliCommand = {
  usage:
    `stasis checkpoint HOST CONTAINER [--runtime podman|docker|process] ${flagUsage(CHECKPOINT_OPTIONS)} ` +
    '[--allow-lost-processes] [--json] [--ssh-config FILE]',
  async run(argv, io) {
    const { values, positionals } = parseHostCommand(argv, {
      runtime: { type: 'string' },
      ...flagConfig(CHECKPOINT_OPTIONS),
      'allow-lost-processes': { type: 'boolean' },
    });
    const [host, container] = positionals;
    if (!host || !container || positionals.length > 2) throw new UsageError('give a HOST and a CONTAINER (name, id, or PID with --runtime process)');
    if (values.runtime && !['podman', 'docker', 'process'].includes(values.runtime)) throw new UsageError('--runtime is podman, docker or process');
    const options = optionsFromFlags(CHECKPOINT_OPTIONS, CheckpointOptions, values);
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
