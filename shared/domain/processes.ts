import { z } from 'zod';

/**
 * A process in a container's PID namespace, as the helper read it from /proc: host PID, host parent PID, the PID
 * the container sees (`nspid`), the command name and the start of its command line.
 */
export const ContainerProcess = z.object({
  pid: z.number().int().min(1),
  ppid: z.number().int().min(0),
  nspid: z.number().int().min(0),
  name: z.string().max(256),
  args: z.string().max(2048),
});
export type ContainerProcess = z.infer<typeof ContainerProcess>;

/** Every process of a running container and its init (host PID); what the helper's `procs` verb answers. */
export const ContainerProcesses = z.object({
  init: z.number().int().min(1),
  processes: z.array(ContainerProcess).max(4096),
});
export type ContainerProcesses = z.infer<typeof ContainerProcesses>;

/** What a checkpoint of a container would keep and leave out. */
export const ProcessCheck = ContainerProcesses.extend({
  /** Processes outside the init's tree: CRIU does not dump them, so they are gone after a restore. */
  lost: z.array(ContainerProcess),
  /** Why they are lost, in one sentence; empty when nothing is. */
  reason: z.string(),
});
export type ProcessCheck = z.infer<typeof ProcessCheck>;

/**
 * CRIU dumps the tree under the container's init. Processes started with `podman exec` / `docker exec` join the
 * container's namespaces but are children of conmon / the shim, outside that tree: this finds them.
 */
export function lostProcesses(snapshot: ContainerProcesses): ContainerProcess[] {
  const children = new Map<number, number[]>();
  for (const p of snapshot.processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const kept = new Set<number>([snapshot.init]);
  const queue = [snapshot.init];
  while (queue.length) {
    for (const c of children.get(queue.pop()!) ?? []) {
      if (!kept.has(c)) {
        kept.add(c);
        queue.push(c);
      }
    }
  }
  return snapshot.processes.filter((p) => !kept.has(p.pid));
}

export function checkProcesses(snapshot: ContainerProcesses): ProcessCheck {
  const lost = lostProcesses(snapshot);
  return { ...snapshot, lost, reason: lost.length ? LOST_REASON : '' };
}

export const LOST_REASON =
  'They were started with "podman exec" or "docker exec": they run in the container but outside the tree of its main ' +
  'process, and CRIU checkpoints only that tree. After a restore they will not be running.';

/** "PID 7 sleep 2000, PID 12 sh -c …": how the UI, the CLI and the stored record name lost processes. */
export function describeProcess(p: ContainerProcess): string {
  const cmd = p.args.trim() || p.name;
  return `PID ${p.nspid || p.pid} (${cmd.length > 80 ? `${cmd.slice(0, 79)}…` : cmd})`;
}

export function lostSummary(lost: readonly ContainerProcess[]): string {
  const n = lost.length;
  return `${n} process${n === 1 ? '' : 'es'} in this container will not be checkpointed: ${lost.map(describeProcess).join(', ')}.`;
}

/** A process the stored record says a checkpoint left out: its PID in the container and its command name. */
export interface LeftOut {
  pid: number;
  name: string;
}

const MAX_RECORDED = 50;

/**
 * The record kept in a checkpoint's metadata (`leftOut`): "7:sleep,12:sh" — PID in the container and command name
 * (only letters, digits, "_", "." and "-", at most 15), and "+N" when more were left out than recorded. The helper
 * checks the alphabet and length; this is all it stores, so the record stays one short, inert string.
 */
export function formatLeftOut(lost: readonly ContainerProcess[]): string {
  const items = lost.slice(0, MAX_RECORDED).map((p) => `${p.nspid || p.pid}:${p.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 15) || '_'}`);
  if (lost.length > MAX_RECORDED) items.push(`+${lost.length - MAX_RECORDED}`);
  return items.join(',');
}

export function parseLeftOut(record: string | undefined): { processes: LeftOut[]; more: number } {
  const processes: LeftOut[] = [];
  let more = 0;
  for (const item of (record ?? '').split(',')) {
    const m = /^(\d{1,10}):([A-Za-z0-9_.-]{1,15})$/.exec(item);
    if (m) processes.push({ pid: Number(m[1]), name: m[2]! });
    else if (/^\+\d{1,6}$/.test(item)) more += Number(item.slice(1));
  }
  return { processes, more };
}

/** "Left out: PID 7 (sleep), PID 12 (sh)", or '' when the record names none. */
export function leftOutText(record: string | undefined): string {
  const { processes, more } = parseLeftOut(record);
  if (!processes.length && !more) return '';
  return `Left out: ${processes.map((p) => `PID ${p.pid} (${p.name})`).join(', ')}${more ? ` and ${more} more` : ''}`;
}

/** A process on a host, as `ps` lists it, for the process-tree picker. */
export const HostProcess = z.object({ pid: z.number(), ppid: z.number(), user: z.string(), name: z.string(), args: z.string() });
export type HostProcess = z.infer<typeof HostProcess>;
