import { parseArgs } from 'node:util';
import type { CliCommand } from '../command';
import { HOST_OPTIONS, table, withSession } from './cli-services';

export const psCommand: CliCommand = {
  usage: 'stasis ps [--host H] [--json] [--ssh-config FILE]',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { ...HOST_OPTIONS, host: { type: 'string' } }, strict: true });
    const list = await withSession(values, values.host ? [values.host] : [], (s) =>
      s.api.containers.list(values.host ? { hostId: values.host } : {}),
    );
    if (values.json) {
      io.out(JSON.stringify(list.containers, null, 2));
    } else {
      const rows = [['HOST', 'RUNTIME', 'ID', 'NAME', 'STATE', 'IMAGE']];
      for (const c of list.containers) rows.push([c.host, c.runtime, c.id.slice(0, 12), c.name, c.state, c.image ?? '']);
      io.out(list.containers.length ? table(rows) : 'No containers.');
    }
    for (const e of list.errors) io.err(`${e.host}: ${e.message}`);
    return list.errors.length && !list.containers.length ? 1 : 0;
  },
};
