import type { HostSummary } from '../../../shared/domain/host';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { parseHostCommand, withSession } from './cli-services';

function describe(h: HostSummary): string {
  const c = h.capabilities;
  if (!c) return `${h.name} (${h.id})${h.address ? ` ${h.address}` : ''}: ${h.status}${h.error ? ` — ${h.error}` : ''}`;
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

const SUB_USAGE = [
  'stasis hosts [--json] [--ssh-config FILE]',
  'stasis hosts add NAME HOSTNAME [--user U] [--port N] [--identity FILE] [--proxy-jump HOPS]',
  'stasis hosts remove NAME',
  'stasis hosts test NAME',
  'stasis hosts setup NAME [--sudoers]',
  'stasis hosts accept-key NAME FINGERPRINT',
].join('\n       ');

function print(io: CliIo, json: boolean | undefined, value: unknown, text: string): void {
  io.out(json ? JSON.stringify(value, null, 2) : text);
}

export const hostsCommand: CliCommand = {
  usage: SUB_USAGE,
  async run(argv, io) {
    const { values, positionals } = parseHostCommand(argv, {
      user: { type: 'string' },
      port: { type: 'string' },
      identity: { type: 'string' },
      'proxy-jump': { type: 'string' },
      sudoers: { type: 'boolean' },
    });
    const [sub, name, extra] = positionals;
    if (!sub) {
      const hosts = await withSession(values, [], (s) => s.api.hosts.list({}));
      print(io, values.json, hosts, hosts.map(describe).join('\n\n'));
      return 0;
    }
    if (!name) throw new UsageError(`"hosts ${sub}" needs a host NAME`);
    switch (sub) {
      case 'add': {
        if (!extra) throw new UsageError('"hosts add" needs NAME and HOSTNAME');
        const port = values.port === undefined ? undefined : Number(values.port);
        const h = await withSession(values, [], (s) =>
          s.api.hosts.add({
            id: name,
            hostName: extra,
            ...(values.user ? { user: values.user } : {}),
            ...(port !== undefined ? { port } : {}),
            ...(values.identity ? { identityFile: values.identity } : {}),
            ...(values['proxy-jump'] ? { proxyJump: values['proxy-jump'] } : {}),
          }),
        );
        print(io, values.json, h, `added ${h.id} (${h.address ?? ''})`);
        return 0;
      }
      case 'remove': {
        const r = await withSession(values, [], (s) => s.api.hosts.remove({ hostId: name }));
        print(io, values.json, r, `removed ${name}`);
        return 0;
      }
      case 'test': {
        const r = await withSession(values, [name], (s) => s.api.hosts.test({ hostId: name }));
        const h = r.helper;
        print(
          io,
          values.json,
          r,
          `${name}: connected in ${r.latencyMs} ms${r.user ? ` as ${r.user}` : ''}; helper ${h.installed ? (h.version ?? 'installed') : 'missing'}${h.upToDate ? ' (up to date' : ''}${h.upToDate ? `, via ${h.via})` : ''}${h.problem ? `\n  ${h.problem}` : ''}`,
        );
        return r.ok ? 0 : 1;
      }
      case 'setup': {
        const r = await withSession(values, [name], (s) => s.api.hosts.setUp({ hostId: name, sudoers: Boolean(values.sudoers) }));
        print(io, values.json, r, `installed the Stasis helper ${r.version} at ${r.helperPath} on ${name}${r.sudoers ? ' with a sudoers rule' : ''}`);
        return 0;
      }
      case 'accept-key': {
        if (!extra) throw new UsageError('"hosts accept-key" needs NAME and the FINGERPRINT you were shown');
        const r = await withSession(values, [], (s) => s.api.hosts.acceptKey({ hostId: name, fingerprint: extra }));
        print(io, values.json, r, `trusted ${r.keyType} ${r.fingerprint} for ${name} (${r.host}:${r.port})`);
        return 0;
      }
      default:
        throw new UsageError(`unknown "hosts" action "${sub}"`);
    }
  },
};
