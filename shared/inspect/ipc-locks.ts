import type { DecodedImage, Entry } from '../criu/image';
import { num } from './memory';

/** A SysV IPC object of an IPC namespace CRIU dumped (ipcns-shm/sem/msg-NSID.img). */
export interface IpcObjectView {
  /** The IPC namespace's id (as in a process's namespaces.ipc). */
  namespace: number;
  kind: 'shm' | 'sem' | 'msg';
  id: number;
  /** The IPC key, as ipcs prints it (0x%08x). */
  key: string;
  uid: number;
  gid: number;
  /** Permission bits, octal. */
  mode: string;
  /** shm: the segment's size in bytes. */
  sizeBytes?: number;
  /** sem: the number of semaphores in the set. */
  semaphores?: number;
  /** msg: messages queued, and the queue's limit in bytes (msg_qbytes). */
  messages?: number;
  maxBytes?: number;
}

/** A lock or lease held on an open file (filelocks.img). */
export interface FileLockView {
  pid: number;
  fd: number;
  kind: 'posix' | 'flock' | 'ofd' | 'lease' | 'unknown';
  type: string;
  start: number;
  /** 0: to the end of the file. */
  length: number;
}

const IPC_FILE = /^ipcns-(shm|sem|msg)-(\d+)\.img$/;

export function ipcObjectsOf(images: ReadonlyMap<string, DecodedImage>): IpcObjectView[] {
  const out: IpcObjectView[] = [];
  for (const [file, image] of images) {
    const m = IPC_FILE.exec(file);
    if (!m) continue;
    const kind = m[1] as IpcObjectView['kind'];
    for (const e of image.entries) {
      const d = e['desc'] && typeof e['desc'] === 'object' ? (e['desc'] as Entry) : {};
      const view: IpcObjectView = {
        namespace: Number(m[2]),
        kind,
        id: num(d['id']),
        key: `0x${(num(d['key']) >>> 0).toString(16).padStart(8, '0')}`,
        uid: num(d['uid']),
        gid: num(d['gid']),
        mode: (num(d['mode']) & 0o777).toString(8).padStart(4, '0'),
      };
      if (kind === 'shm') view.sizeBytes = num(e['size']);
      if (kind === 'sem') view.semaphores = num(e['nsems']);
      if (kind === 'msg') {
        view.messages = num(e['qnum']);
        view.maxBytes = num(e['qbytes']);
      }
      out.push(view);
    }
  }
  return out.sort((a, b) => a.namespace - b.namespace || a.kind.localeCompare(b.kind) || a.id - b.id);
}

// CRIU's FL_* kinds (criu/include/file-lock.h) and the lock types (fcntl's F_RDLCK/F_WRLCK/F_UNLCK; flock's LOCK_MAND
// bits; a lease being broken has LEASE_BREAKING (4) added to its target type).
const LOCK_KINDS: Record<number, FileLockView['kind']> = { 1: 'posix', 2: 'flock', 4: 'ofd', 8: 'lease' };

function lockType(kind: FileLockView['kind'], type: number): string {
  if (kind === 'lease' && type & 4) return `breaking to ${lockType(kind, type & ~4)}`;
  if (type & 32) return `mandatory${type & 64 ? ' read' : ''}${type & 128 ? ' write' : ''}`;
  switch (type) {
    case 0:
      return 'read';
    case 1:
      return 'write';
    case 2:
      return 'unlock';
    default:
      return `type ${type}`;
  }
}

export function fileLocksOf(images: ReadonlyMap<string, DecodedImage>): FileLockView[] {
  const entries = images.get('filelocks.img')?.entries ?? [];
  return entries.map((e) => {
    const kind = LOCK_KINDS[num(e['flag'])] ?? 'unknown';
    return { pid: num(e['pid']), fd: num(e['fd']), kind, type: lockType(kind, num(e['type'])), start: num(e['start']), length: num(e['len']) };
  });
}
