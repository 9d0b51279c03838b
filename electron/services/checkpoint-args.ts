import type { CheckpointOptions, RestoreOptions } from '../../shared/domain/checkpoint';
import type { Runtime } from '../../shared/domain/container';
import { StasisError } from '../../shared/api/errors';

/** Which checkpoint options each runtime can honour; anything else is refused before the helper runs. */
const SUPPORTED: Record<Runtime, ReadonlySet<keyof CheckpointOptions>> = {
  podman: new Set<keyof CheckpointOptions>([
    'leaveRunning', 'tcpEstablished', 'fileLocks', 'ignoreRootfs', 'ignoreVolumes', 'keep', 'compression',
    'preCheckpoint', 'withPrevious', 'keepLast', 'note',
  ]),
  docker: new Set<keyof CheckpointOptions>(['leaveRunning', 'keepLast', 'note']),
  process: new Set<keyof CheckpointOptions>(['leaveRunning', 'tcpEstablished', 'fileLocks', 'keepLast', 'note']),
};

function base64Utf8(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** Checkpoint options → the helper's flags (which the helper checks again against its own list). */
export function checkpointArgs(runtime: Runtime, o: CheckpointOptions, operationId?: string): string[] {
  const unsupported = (Object.keys(o) as (keyof CheckpointOptions)[]).filter((k) => o[k] !== undefined && o[k] !== false && !SUPPORTED[runtime].has(k));
  if (unsupported.length) {
    throw new StasisError('not-supported', `${runtime} checkpoints do not support: ${unsupported.join(', ')}. Leave those options off.`);
  }
  const a: string[] = [];
  if (o.leaveRunning) a.push('--leave-running');
  if (o.tcpEstablished) a.push('--tcp-established');
  if (o.fileLocks) a.push('--file-locks');
  if (o.ignoreRootfs) a.push('--ignore-rootfs');
  if (o.ignoreVolumes) a.push('--ignore-volumes');
  if (o.keep) a.push('--keep');
  if (o.compression) a.push(`--compress=${o.compression}`);
  if (o.preCheckpoint) a.push('--pre-checkpoint');
  if (o.withPrevious) a.push(`--with-previous=${o.withPrevious}`);
  if (o.keepLast) a.push(`--keep-last=${o.keepLast}`);
  if (o.note) a.push(`--note-b64=${base64Utf8(o.note)}`);
  if (operationId) a.push(`--op=${operationId}`);
  return a;
}

export function restoreArgs(o: RestoreOptions, operationId?: string): string[] {
  const a: string[] = [];
  if (o.name) a.push(`--name=${o.name}`);
  if (o.keep) a.push('--keep');
  if (o.tcpEstablished) a.push('--tcp-established');
  if (o.ignoreStaticIp) a.push('--ignore-static-ip');
  if (o.ignoreStaticMac) a.push('--ignore-static-mac');
  if (o.ignoreRootfs) a.push('--ignore-rootfs');
  if (o.ignoreVolumes) a.push('--ignore-volumes');
  for (const p of o.publish ?? []) a.push(`--publish=${p}`);
  if (o.pod) a.push(`--pod=${o.pod}`);
  if (operationId) a.push(`--op=${operationId}`);
  return a;
}
