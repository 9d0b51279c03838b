import { parseArgs } from 'node:util';
import type { CliCommand } from '../command';
import { HOST_OPTIONS, mib, table, withSession } from './cli-services';

export const checkpointsCommand: CliCommand = {
  usage: 'stasis checkpoints [--host H] [--json] [--ssh-config FILE]',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { ...HOST_OPTIONS, host: { type: 'string' } }, strict: true });
    const list = await withSession(values, values.host ? [values.host] : [], (s) =>
      s.api.checkpoints.list(values.host ? { hostId: values.host } : {}),
    );
    if (values.json) {
      io.out(JSON.stringify(list.checkpoints, null, 2));
    } else {
      const rows = [['HOST', 'ID', 'RUNTIME', 'CONTAINER', 'CREATED', 'SIZE', 'NOTE']];
      for (const c of list.checkpoints) rows.push([c.hostId, c.id, c.container.runtime, c.container.name, c.created, mib(c.sizes.archive), c.note]);
      io.out(list.checkpoints.length ? table(rows) : 'No checkpoints.');
    }
    for (const e of list.errors) io.err(`${e.host}: ${e.message}`);
    return list.errors.length && !list.checkpoints.length ? 1 : 0;
  },
};
