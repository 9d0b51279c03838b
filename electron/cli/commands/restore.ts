import { RestoreOptions } from '../../../shared/domain/checkpoint';
import { RESTORE_OPTIONS } from '../../../shared/domain/checkpoint-options';
import { UsageError, type CliCommand } from '../command';
import { flagConfig, flagUsage, optionsFromFlags } from '../option-flags';
import { parseHostCommand, progressPrinter, withSession } from './cli-services';

export const restoreCommand: CliCommand = {
  usage:
    `stasis restore HOST CHECKPOINT_ID ${flagUsage(RESTORE_OPTIONS)} [--json] [--ssh-config FILE]`,
  async run(argv, io) {
    const { values, positionals } = parseHostCommand(argv, flagConfig(RESTORE_OPTIONS));
    const [host, id] = positionals;
    if (!host || !id || positionals.length > 2) throw new UsageError('give a HOST and a CHECKPOINT_ID');
    const options = optionsFromFlags(RESTORE_OPTIONS, RestoreOptions, values);
    const progress = progressPrinter(io, Boolean(values.json));
    const r = await withSession(values, [host], async (s) => {
      const off = s.on('operationProgress', (p) => progress.update(p));
      try {
        return await s.api.checkpoints.restore({ hostId: host, checkpointId: id, options });
      } finally {
        off();
        progress.end();
      }
    });
    io.out(values.json ? JSON.stringify(r, null, 2) : `restored ${r.checkpoint} as ${r.container.runtime} ${r.container.name} (${r.container.id.slice(0, 12)}) on ${r.hostId}`);
    return 0;
  },
};
