import { parseArgs } from 'node:util';
import { createAppServices } from '../../services/app-services';
import type { HostSummary } from '../../../shared/domain/host';
import type { CliCommand } from '../command';

function describe(h: HostSummary): string {
  const c = h.capabilities;
  if (!c) return `${h.name} (${h.id}): ${h.status}${h.error ? ` — ${h.error}` : ''}`;
  const tool = (label: string, t: { found: boolean; version?: string; problem?: string }, extra = ''): string =>
    `  ${label.padEnd(8)} ${t.found ? (t.version ?? 'found') : 'not installed'}${extra}${t.problem ? `  (${t.problem})` : ''}`;
  return [
    `${h.name} (${h.id}) — ${c.hostname}, kernel ${c.kernel} ${c.arch}`,
    tool('CRIU', c.criu, c.criu.check ? `, check: ${c.criu.check}` : ''),
    tool('podman', c.podman, c.podman.found ? `, runtime ${c.podman.runtime ?? '?'}, checkpoint: ${c.podman.canCheckpoint ? 'yes' : 'no'}` : ''),
    tool('docker', c.docker, c.docker.found ? `, checkpoint: ${c.docker.canCheckpoint ? 'yes' : 'no'}` : ''),
    `  root     ${c.elevationNote}`,
  ].join('\n');
}

export const hostsCommand: CliCommand = {
  name: 'hosts',
  summary: 'list hosts and what each can do',
  usage: 'stasis hosts [--json] [--ssh-config FILE]',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, 'ssh-config': { type: 'string' } }, strict: true });
    const services = createAppServices({ mode: 'browser', ...(values['ssh-config'] ? { sshConfigPath: values['ssh-config'] } : {}) });
    const hosts = await services.handlers.hosts.list({}, { caller: 'cli' });
    io.out(values.json ? JSON.stringify(hosts, null, 2) : hosts.map(describe).join('\n\n'));
    return 0;
  },
};
