import type { Checkpoint } from '../../../shared/domain/checkpoint';
import type { ContainerSummary } from '../../../shared/domain/container';
import type { HostSummary } from '../../../shared/domain/host';
import type { HostListing } from './containers-slice';

/** One row of the all-hosts containers table. */
export interface ContainerRow {
  key: string;
  hostId: string;
  hostName: string;
  runtime: ContainerSummary['runtime'];
  id: string;
  name: string;
  image: string;
  state: string;
  /** "5 minutes", from the runtime's status words; undefined when not running. */
  uptime?: string;
  /** When it started (ISO), from the runtime (podman), for sorting by uptime and the exact time. */
  startedAt?: string;
  /**
   * Memory now (its cgroup, read by the helper at the last list: running podman containers), else as of the last
   * checkpoint (its dumped pages); `memoryFrom` says which.
   */
  memoryBytes?: number;
  memoryFrom?: 'runtime' | 'checkpoint';
  canCheckpoint: boolean;
  /** Why not, when it cannot. */
  cannotWhy?: string;
  lastCheckpoint?: Checkpoint;
  checkpointCount: number;
  lineage?: string;
}

/** A host's place in the table: still asking, down (with why), or answered. */
export interface HostAvailability {
  hostId: string;
  name: string;
  state: 'loading' | 'down' | 'ok';
  message?: string;
}

export function uptimeOf(status: string | undefined): string | undefined {
  const m = /^Up\s+(.*?)(?:\s+ago)?(?:\s+\(.*\))?$/i.exec(status ?? '');
  const words = m?.[1];
  // podman says "Up About a minute ago": read as "for about a minute".
  return words && words.charAt(0).toLowerCase() + words.slice(1);
}

function runtimeCan(host: HostSummary | undefined, runtime: ContainerSummary['runtime']): boolean | undefined {
  const caps = host?.capabilities;
  if (!caps) return undefined;
  if (runtime === 'podman') return caps.podman.canCheckpoint;
  if (runtime === 'docker') return caps.docker.canCheckpoint;
  return caps.criu.found;
}

/** The checkpoints of a container on its host: by id, or by name (a container recreated under its name keeps its history). */
export function checkpointsOf(c: Pick<ContainerSummary, 'id' | 'name'>, checkpoints: Checkpoint[]): Checkpoint[] {
  return checkpoints.filter((k) => k.container.id === c.id || k.container.name === c.name).sort((a, b) => b.created.localeCompare(a.created));
}

export function containerRows(hosts: HostSummary[], listings: Record<string, HostListing>): ContainerRow[] {
  const rows: ContainerRow[] = [];
  for (const host of hosts) {
    const listing = listings[host.id];
    if (!listing) continue;
    for (const c of listing.containers) {
      const mine = checkpointsOf(c, listing.checkpoints);
      const last = mine[0];
      const can = runtimeCan(host, c.runtime);
      const running = c.state === 'running';
      const uptime = running ? uptimeOf(c.status) : undefined;
      rows.push({
        key: `${host.id}/${c.runtime}/${c.id}`,
        hostId: host.id,
        hostName: host.name,
        runtime: c.runtime,
        id: c.id,
        name: c.name,
        image: c.image ?? '',
        state: c.state,
        ...(uptime ? { uptime } : {}),
        ...(running && c.startedAt ? { startedAt: c.startedAt } : {}),
        ...(last ? { lastCheckpoint: last, lineage: last.lineage, memoryBytes: last.sizes.pages, memoryFrom: 'checkpoint' as const } : {}),
        ...(running && c.memoryBytes !== undefined ? { memoryBytes: c.memoryBytes, memoryFrom: 'runtime' as const } : {}),
        canCheckpoint: running && can !== false,
        ...(!running ? { cannotWhy: `it is ${c.state}; start it first` } : can === false ? { cannotWhy: `${c.runtime} on ${host.name} cannot checkpoint (see the host's page)` } : {}),
        checkpointCount: mine.length,
      });
    }
  }
  return rows;
}

export function hostAvailability(hosts: HostSummary[], listings: Record<string, HostListing>): HostAvailability[] {
  return hosts.map((h) => {
    const l = listings[h.id];
    if (l?.problem) return { hostId: h.id, name: h.name, state: 'down', message: l.problem.message };
    if (h.status === 'unreachable' || h.status === 'error') return { hostId: h.id, name: h.name, state: 'down', message: h.error ?? 'unreachable' };
    if (!l || (l.loading && l.loadedAt === undefined)) return { hostId: h.id, name: h.name, state: 'loading' };
    return { hostId: h.id, name: h.name, state: 'ok' };
  });
}

/**
 * Every stored checkpoint of a lineage, on every host, oldest first. Two host entries can reach one machine (another
 * login, another alias): a checkpoint id is unique on its machine (`host` is the hostname the helper saw), so each
 * shows once, under the first host entry listed.
 */
export function lineageCheckpoints(listings: Record<string, HostListing>, lineage: string): Checkpoint[] {
  const seen = new Set<string>();
  return Object.values(listings)
    .flatMap((l) => l.checkpoints)
    .filter((k) => k.lineage === lineage)
    .filter((k) => {
      const key = `${k.host}\0${k.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.created.localeCompare(b.created));
}

/** Filters of the containers table; empty ones match everything. */
export interface ContainerFilter {
  q?: string | undefined;
  host?: string | undefined;
  runtime?: string | undefined;
  state?: string | undefined;
}

export function filterRows(rows: ContainerRow[], f: ContainerFilter): ContainerRow[] {
  const q = f.q?.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!f.host || r.hostId === f.host) &&
      (!f.runtime || r.runtime === f.runtime) &&
      (!f.state || r.state === f.state) &&
      (!q || [r.name, r.id, r.image, r.hostName, r.state, r.runtime].some((v) => v.toLowerCase().includes(q))),
  );
}
