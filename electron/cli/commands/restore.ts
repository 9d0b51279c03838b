import { parseArgs } from 'node:util';
import type { RestoreOptions } from '../../../shared/domain/checkpoint';
import { UsageError, type CliCommand } from '../command';
import { HOST_OPTIONS, progressPrinter, withSession } from './cli-services';

export const restoreCommand: CliCommand = {
  usage:
    'stasis restore HOST CHECKPOINT_ID [--name NEW] [--keep] [--tcp-established] [--ignore-static-ip] [--ignore-static-mac] ' +
    '[--ignore-rootfs] [--ignore-volumes] [--publish PORTS]... [--pod POD] [--json] [--ssh-config FILE]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...HOST_OPTIONS,
        name: { type: 'string' },
        keep: { type: 'boolean' },
        'tcp-established': { type: 'boolean' },
        'ignore-static-ip': { type: 'boolean' },
        'ignore-static-mac': { type: 'boolean' },
        'ignore-rootfs': { type: 'boolean' },
        'ignore-volumes': { type: 'boolean' },
        publish: { type: 'string', multiple: true },
        pod: { type: 'string' },
      },
    });
    const [host, id] = positionals;
    if (!host || !id || positionals.length > 2) throw new UsageError('give a HOST and a CHECKPOINT_ID');
    const options: RestoreOptions = {
      ...(values.name ? { name: values.name } : {}),
      ...(values.keep ? { keep: true } : {}),
      ...(values['tcp-established'] ? { tcpEstablished: true } : {}),
      ...(values['ignore-static-ip'] ? { ignoreStaticIp: true } : {}),
      ...(values['ignore-static-mac'] ? { ignoreStaticMac: true } : {}),
      ...(values['ignore-rootfs'] ? { ignoreRootfs: true } : {}),
      ...(values['ignore-volumes'] ? { ignoreVolumes: true } : {}),
      ...(values.publish?.length ? { publish: values.publish } : {}),
      ...(values.pod ? { pod: values.pod } : {}),
    };
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
