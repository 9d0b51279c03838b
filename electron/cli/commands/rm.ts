import { UsageError, type CliCommand } from '../command';
import { parseHostCommand, withSession } from './cli-services';

export const rmCommand: CliCommand = {
  usage: 'stasis rm HOST CHECKPOINT_ID [--json] [--ssh-config FILE]',
  async run(argv, io) {
    const { values, positionals } = parseHostCommand(argv, {});
    const [host, id] = positionals;
    if (!host || !id || positionals.length > 2) throw new UsageError('give a HOST and a CHECKPOINT_ID');
    const r = await withSession(values, [host], (s) => s.api.checkpoints.delete({ hostId: host, checkpointId: id }));
    io.out(values.json ? JSON.stringify(r) : `deleted ${r.deleted}`);
    return 0;
  },
};
