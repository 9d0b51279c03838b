import type { Entry } from '../criu/image';
import { unknownFieldsOf } from '../criu/schemas';
import type { Checkpoint, ListedFile } from './checkpoint';
import { fileLocksOf, ipcObjectsOf, type FileLockView, type IpcObjectView } from './ipc-locks';
import { num, pageRuns, ProcessMemory, readArgsEnv, PAGE_SIZE, type PageRun } from './memory';
import {
  pendingSignalsOf, rlimitsOf, seccompChainOf, timersOf,
  type ItimerView, type PendingSignalView, type PosixTimerView, type RlimitView, type SeccompFilterView,
} from './task-state';
import { mapsFile, vmaKind, VMA_AREA_MEMFD } from './vma-kinds';

export type { FileLockView, IpcObjectView, ItimerView, PendingSignalView, PosixTimerView, RlimitView, SeccompFilterView };

export type ProcessState = 'alive' | 'zombie' | 'stopped' | 'dead';

export interface FdView {
  fd: number;
  /** CRIU's fd type name in lower case: reg, pipe, fifo, unixsk, inetsk, eventfd… */
  type: string;
  path?: string;
  description: string;
  /** The file (or a fifo's file, or a unix socket's bound path) was deleted while held: CRIU kept it as a ghost or link-remap. */
  unlinked?: boolean;
}

export interface VmaView {
  start: string;
  end: string;
  sizeBytes: number;
  rssBytes: number;
  prot: string;
  /** CRIU's status bits for the mapping, named (see vma-kinds.ts), e.g. "file-shared,memfd". */
  kind: string;
  path?: string;
  /** The mapped file was deleted (held only by mappings, CRIU keeps it as a ghost or link-remap). */
  unlinked?: boolean;
}

export interface ProcessView {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  comm: string;
  threads: number[];
  state: ProcessState;
  /** A zombie's (or dead task's) exit status, as waitpid's WEXITSTATUS; absent when a signal ended it. */
  exitCode?: number;
  /** The signal that ended a zombie (or dead task), as waitpid's WTERMSIG. */
  exitSignal?: number;
  cmdline: string[];
  environ?: string[];
  cwd?: string;
  root?: string;
  exe?: string;
  uid?: number;
  gid?: number;
  seccomp?: string;
  /** The seccomp filters the main thread runs under, newest first. */
  seccompFilters?: SeccompFilterView[];
  personality?: number;
  namespaces: Record<string, number>;
  rlimits?: RlimitView[];
  /** Armed interval timers and POSIX timers. */
  timers?: { itimers: ItimerView[]; posix: PosixTimerView[] };
  /** Signals queued and not yet delivered: process-wide, and per thread. */
  pendingSignals?: PendingSignalView[];
  fds: FdView[];
  memory: { vmas: number; sizeBytes: number; rssBytes: number; map: VmaView[] };
}

export interface SocketView {
  id: number;
  kind: 'unix' | 'inet' | 'inet6' | 'netlink' | 'packet';
  type: string;
  state: string;
  local?: string;
  remote?: string;
  ino?: number;
  peer?: { ino: number; holders: Array<{ pid: number; fd: number }> };
  holders: Array<{ pid: number; fd: number }>;
  queuedBytes?: number;
  /** Unix: the bound path was unlinked while the socket stayed bound (CRIU's `deleted`). */
  deleted?: boolean;
  /** Unix: files passed over SCM_RIGHTS and still queued in the socket (in flight, held by no fd). */
  inFlight?: InFlightFileView[];
}

/** A file in flight: sent over a unix socket with SCM_RIGHTS, not yet received. */
export interface InFlightFileView {
  /** The file's id in files.img. */
  id: number;
  type: string;
  path?: string;
  description: string;
  unlinked?: boolean;
}

/** A deleted file, fifo, directory or socket path that the checkpoint still holds. */
export interface UnlinkedFileView {
  path: string;
  kind: 'file' | 'fifo' | 'directory' | 'unix-socket';
  /** The fds that hold it. */
  holders: Array<{ pid: number; fd: number }>;
  /** Processes that hold it only (or also) through a memory mapping. */
  mappedBy?: number[];
  /** Processes whose working directory it is. */
  cwdOf?: number[];
}

export interface MountView {
  id: number;
  parent: number;
  mountpoint: string;
  fstype: string;
  source: string;
  root: string;
  options: string;
}

export interface ContainerView {
  id?: string;
  name?: string;
  image?: string;
  imageId?: string;
  command?: string[];
  created?: string;
  checkpointed?: string;
  runtime?: string;
  criuVersion?: string;
  engine?: string;
  network?: unknown;
  rootfsChanges?: { added: ListedFile[]; deleted: string[] };
  devshm?: ListedFile[];
}

export interface InspectReport {
  source: { path: string; format: string; layout: string; imageVersion?: number };
  processes: ProcessView[];
  sockets: SocketView[];
  mounts: MountView[];
  stats: Record<string, number> | null;
  container: ContainerView | null;
  unlinkedFiles: UnlinkedFileView[];
  /** File locks and leases (dumped with --file-locks). */
  fileLocks: FileLockView[];
  /** SysV IPC objects of the IPC namespaces CRIU dumped (a tree in its own IPC namespace). */
  ipc: IpcObjectView[];
  undecoded: UndecodedView[];
}

/** A file, or fields within its records, that Stasis recognised but did not decode. */
export interface UndecodedView {
  file: string;
  reason: string;
  /** The file's size, where the loader lists a file without decoding it (raw payloads). */
  size?: number;
  /** For fields the schema lacks: the message type that carried them and their field numbers. */
  message?: string;
  fields?: number[];
}

const SOCK_TYPES: Record<number, string> = { 1: 'stream', 2: 'dgram', 3: 'raw', 5: 'seqpacket', 10: 'packet' };
const TCP_STATES: Record<number, string> = {
  1: 'established', 2: 'syn-sent', 3: 'syn-recv', 4: 'fin-wait1', 5: 'fin-wait2', 6: 'time-wait', 7: 'close',
  8: 'close-wait', 9: 'last-ack', 10: 'listen', 11: 'closing',
};
const NS_FLAGS: Record<number, string> = {
  0x00020000: 'mnt', 0x02000000: 'cgroup', 0x04000000: 'uts', 0x08000000: 'ipc', 0x10000000: 'user', 0x20000000: 'pid',
  0x40000000: 'net', 0x00000080: 'time',
};
const CLOCKS: Record<number, string> = { 0: 'realtime', 1: 'monotonic', 7: 'boottime', 8: 'realtime-alarm', 9: 'boottime-alarm' };
const FSTYPES: Record<number, string> = {
  1: 'proc', 2: 'sysfs', 3: 'devtmpfs', 4: 'binfmt_misc', 5: 'tmpfs', 6: 'devpts', 7: 'simfs', 8: 'pstore', 9: 'securityfs',
  10: 'fusectl', 11: 'debugfs', 12: 'cgroup', 13: 'aufs', 14: 'mqueue', 15: 'fuse', 16: 'auto', 17: 'overlay', 18: 'autofs',
  19: 'tracefs', 23: 'cgroup2',
};

function obj(v: unknown): Entry {
  return v && typeof v === 'object' ? (v as Entry) : {};
}

const DECIMAL = /^\d{1,15}$/;

function hex(v: unknown): string {
  // Addresses come as decimal strings; below 2^53 (all but the vsyscall page) a number converts them exactly.
  if (typeof v === 'string' && DECIMAL.test(v)) return `0x${Number(v).toString(16)}`;
  try {
    return `0x${BigInt(typeof v === 'string' || typeof v === 'number' ? v : 0).toString(16)}`;
  } catch {
    return '0x0';
  }
}

function accessMode(flags: number): string {
  switch (flags & 3) {
    case 0:
      return 'read';
    case 1:
      return 'write';
    default:
      return 'read-write';
  }
}

const utf8 = new TextDecoder();

/**
 * A unix socket's address as `ss` shows it: a path as is, without the NUL the kernel keeps when the program passed
 * the terminator in the address length; an abstract name (first byte NUL) as "@name", its NULs (significant there)
 * shown as "@" too. A bound path never starts with NUL, so the two cannot be confused.
 */
export function unixName(v: unknown): string {
  if (!(v instanceof Uint8Array) || v.length === 0) return '';
  if (v[0] === 0) return `@${utf8.decode(v.subarray(1)).replace(/\0/g, '@')}`;
  let end = v.length;
  while (end > 0 && v[end - 1] === 0) end--;
  // A path ends at its first NUL (the kernel's sun_path is a C string); anything after it is not part of the name.
  const nul = v.subarray(0, end).indexOf(0);
  return utf8.decode(v.subarray(0, nul === -1 ? end : nul));
}

function ipAddr(family: number, words: unknown): string {
  const w = Array.isArray(words) ? words.map(num) : [];
  if (family === 2) {
    const x = w[0] ?? 0;
    return [x & 255, (x >>> 8) & 255, (x >>> 16) & 255, x >>> 24].join('.');
  }
  const parts: string[] = [];
  for (const x of w) parts.push(((x & 255) << 8 | ((x >>> 8) & 255)).toString(16), (((x >>> 16) & 255) << 8 | (x >>> 24)).toString(16));
  return parts.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

function state(tc: Entry): ProcessState {
  switch (num(tc['task_state'])) {
    case 1:
      return 'alive';
    case 2:
    case 6:
      return 'zombie';
    case 3:
      return 'stopped';
    default:
      return 'dead';
  }
}

/** Everything the views need, indexed once. */
class Index {
  readonly files = new Map<number, Entry>();
  readonly remaps = new Map<number, string>();
  readonly pipeBytes = new Map<number, number>();
  readonly fifoBytes = new Map<number, number>();
  readonly ttys = new Map<number, Entry>();
  readonly memfdInodes = new Map<number, Entry>();
  readonly sockQueues = new Map<number, number>();
  /** SCM_RIGHTS: the file ids queued in each socket's messages. */
  readonly inFlight = new Map<number, number[]>();
  readonly holders = new Map<number, Array<{ pid: number; fd: number }>>();
  readonly unixByIno = new Map<number, Entry>();

  constructor(private readonly cp: Checkpoint) {
    for (const e of this.entries('files.img')) this.files.set(num(e['id']), e);
    for (const e of this.entries('remap-fpath.img')) this.remaps.set(num(e['orig_id']), String(e['remap_type'] ?? 'LINKED'));
    for (const e of this.entries('pipes-data.img')) this.pipeBytes.set(num(e['pipe_id']), num(e['bytes']));
    for (const e of this.entries('fifo-data.img')) this.fifoBytes.set(num(e['pipe_id']), num(e['bytes']));
    for (const e of this.entries('tty-info.img')) this.ttys.set(num(e['id']), e);
    for (const e of this.entries('sk-queues.img')) {
      const id = num(e['id_for']);
      this.sockQueues.set(id, (this.sockQueues.get(id) ?? 0) + num(e['length']));
      // scm_entry.type is the control message type: 1 is SCM_RIGHTS (2, SCM_CREDENTIALS, carries no files).
      for (const scm of (e['scm'] as Entry[] | undefined) ?? []) {
        if (num(scm['type']) !== 1) continue;
        const rights = ((scm['rights'] as unknown[] | undefined) ?? []).map(num);
        if (!rights.length) continue;
        const list = this.inFlight.get(id);
        if (list) list.push(...rights);
        else this.inFlight.set(id, rights);
      }
    }
    for (const image of cp.images.values()) {
      if (image.kind === 'MEMFD_INODE') for (const e of image.entries) this.memfdInodes.set(num(e['inode_id']), e);
    }
    for (const f of this.files.values()) {
      const usk = f['usk'];
      if (usk) this.unixByIno.set(num(obj(usk)['ino']), obj(usk));
    }
  }

  entries(file: string): Entry[] {
    return this.cp.images.get(file)?.entries ?? [];
  }

  path(id: number): string | undefined {
    const f = this.files.get(id);
    const reg = f && obj(f['reg']);
    return reg && typeof reg['name'] === 'string' ? reg['name'] : undefined;
  }

  /** A file CRIU found deleted: it keeps such a file as a ghost (its contents) or a link-remap (a new hard link). */
  unlinked(id: number): boolean {
    const remap = this.remaps.get(id);
    return remap === 'GHOST' || remap === 'LINKED';
  }

  memfdName(fileId: number): string | undefined {
    const m = this.files.get(fileId)?.['memfd'];
    const inode = m ? this.memfdInodes.get(num(obj(m)['inode_id'])) : undefined;
    return inode && typeof inode['name'] === 'string' ? inode['name'] : undefined;
  }
}

function describeFd(ix: Index, fd: number, fdi: Entry): FdView {
  return { fd, ...describeFile(ix, num(fdi['id']), String(fdi['type'] ?? 'UND'), num(fdi['flags'])) };
}

/** A file record of files.img, described (for an fd, or for a file in flight over a unix socket). */
function describeFile(ix: Index, id: number, typeName: string, flags: number): Omit<FdView, 'fd'> {
  const type = typeName.toLowerCase();
  const file = ix.files.get(id);
  const view: Omit<FdView, 'fd'> = { type, description: type };
  if (!file) {
    view.description = `${type} (no file record ${id})`;
    return view;
  }
  switch (typeName) {
    case 'REG': {
      const r = obj(file['reg']);
      const path = String(r['name'] ?? '');
      view.path = path;
      if (ix.unlinked(id)) view.unlinked = true;
      view.description = `file ${path} (${accessMode(num(r['flags']))}, pos ${num(r['pos'])}${r['size'] !== undefined ? `, size ${num(r['size'])}` : ''}${view.unlinked ? ', unlinked' : ''})`;
      break;
    }
    case 'PIPE': {
      const p = obj(file['pipe']);
      const pipeId = num(p['pipe_id']);
      const queued = ix.pipeBytes.get(pipeId) ?? 0;
      view.description = `pipe:[${pipeId}] ${num(p['flags']) & 1 ? 'write' : 'read'} end${queued ? `, ${queued} bytes queued` : ''}`;
      break;
    }
    case 'FIFO': {
      const p = obj(file['fifo']);
      const path = ix.path(num(p['regf_id'])) ?? '?';
      view.path = path;
      // A fifo deleted while open: the remap (a ghost) is on the fifo's file record.
      if (ix.unlinked(num(p['regf_id'])) || ix.unlinked(id)) view.unlinked = true;
      const queued = ix.fifoBytes.get(num(p['pipe_id'])) ?? 0;
      const rf = obj(ix.files.get(num(p['regf_id']))?.['reg']);
      view.description = `fifo ${path} (${accessMode(num(rf['flags']))})${queued ? `, ${queued} bytes queued` : ''}${view.unlinked ? ', unlinked' : ''}`;
      break;
    }
    case 'UNIXSK': {
      const s = obj(file['usk']);
      const name = unixName(s['name']);
      const peerIno = num(s['peer']);
      let peer = '';
      if (peerIno) {
        const ps = ix.unixByIno.get(peerIno);
        const h = ps ? (ix.holders.get(num(ps['id'])) ?? []) : [];
        peer = h.length ? `, peer: ${h.map((x) => `pid ${x.pid} fd ${x.fd}`).join(', ')}` : ps ? `, peer: socket ${peerIno} (not held by an fd)` : `, peer: socket ${peerIno} (outside the checkpoint)`;
      }
      if (s['deleted'] === true) view.unlinked = true;
      const inFlight = ix.inFlight.get(id)?.length ?? 0;
      view.description = `unix ${SOCK_TYPES[num(s['type'])] ?? `type ${num(s['type'])}`} socket${name ? ` ${name}` : ''}${view.unlinked ? ' (deleted)' : ''}${num(s['state']) === 10 ? ', listening' : ''}${peer}${inFlight ? `, ${inFlight} file${inFlight === 1 ? '' : 's'} in flight` : ''}`;
      if (name && !name.startsWith('@')) view.path = name;
      break;
    }
    case 'INETSK': {
      const s = obj(file['isk']);
      const fam = num(s['family']);
      const local = `${ipAddr(fam, s['src_addr'])}:${num(s['src_port'])}`;
      const remote = `${ipAddr(fam, s['dst_addr'])}:${num(s['dst_port'])}`;
      view.description = `${fam === 10 ? 'inet6' : 'inet'} ${SOCK_TYPES[num(s['type'])] ?? ''} socket ${local}${num(s['dst_port']) ? ` -> ${remote}` : ''} ${TCP_STATES[num(s['state'])] ?? ''}`.replace(/\s+/g, ' ').trim();
      break;
    }
    case 'NETLINKSK': {
      const s = obj(file['nlsk']);
      view.description = `netlink socket, protocol ${num(s['protocol'])}, port ${num(s['portid'])}`;
      break;
    }
    case 'PACKETSK': {
      const s = obj(file['psk']);
      view.description = `packet socket, protocol 0x${num(s['protocol']).toString(16)}, ifindex ${num(s['ifindex'])}`;
      break;
    }
    case 'EVENTFD':
      view.description = `eventfd, counter ${num(obj(file['efd'])['counter'])}`;
      break;
    case 'EVENTPOLL': {
      const tfds = (obj(file['epfd'])['tfd'] as Entry[] | undefined) ?? [];
      view.description = `epoll watching ${tfds.length ? `fds ${tfds.map((t) => num(t['tfd'])).join(', ')}` : 'nothing'}`;
      break;
    }
    case 'SIGNALFD':
      view.description = `signalfd, mask ${hex(obj(file['sgfd'])['sigmask'])}`;
      break;
    case 'INOTIFY': {
      const wds = (obj(file['ify'])['wd'] as Entry[] | undefined) ?? [];
      const paths = wds.map((w) => String(obj(w['f_handle'])['path'] ?? `inode ${num(w['i_ino'])}`));
      view.description = `inotify, ${wds.length} watch${wds.length === 1 ? '' : 'es'}${paths.length ? `: ${paths.join(', ')}` : ''}`;
      break;
    }
    case 'FANOTIFY': {
      const marks = (obj(file['ffy'])['mark'] as Entry[] | undefined) ?? [];
      view.description = `fanotify, ${marks.length} mark${marks.length === 1 ? '' : 's'}`;
      break;
    }
    case 'TIMERFD': {
      const t = obj(file['tfd']);
      view.description = `timerfd (${CLOCKS[num(t['clockid'])] ?? `clock ${num(t['clockid'])}`}), next in ${num(t['vsec'])}.${String(num(t['vnsec'])).padStart(9, '0')} s, interval ${num(t['isec'])}.${String(num(t['insec'])).padStart(9, '0')} s, ${num(t['ticks'])} ticks`;
      break;
    }
    case 'TTY': {
      const t = obj(file['tty']);
      const info = ix.ttys.get(num(t['tty_info_id']));
      const ttype = String(info?.['type'] ?? 'UNKNOWN');
      const index = num(obj(info?.['pty'])['index']);
      const master = (num(info?.['rdev']) >>> 8) === 5 && (num(info?.['rdev']) & 255) === 2;
      view.description = ttype === 'PTY' ? (master ? `pty master /dev/ptmx (pts ${index})` : `terminal /dev/pts/${index}`) : `tty (${ttype.toLowerCase()})`;
      break;
    }
    case 'MEMFD': {
      const m = obj(file['memfd']);
      const inode = ix.memfdInodes.get(num(m['inode_id']));
      const name = String(inode?.['name'] ?? '?');
      view.path = name;
      view.description = `memfd ${name}${inode ? `, size ${num(inode['size'])}` : ''}`;
      break;
    }
    case 'TUNF':
      view.description = `tun device ${String(obj(file['tunf'])['netdev'] ?? '(detached)')}`;
      break;
    case 'NS': {
      const n = obj(file['nsf']);
      view.description = `${NS_FLAGS[num(n['ns_cflag'])] ?? 'unknown'} namespace file, ns ${num(n['ns_id'])}`;
      break;
    }
    case 'EXT':
      view.description = 'external file (handled by a CRIU plugin or --external)';
      break;
    case 'BPFMAP': {
      const b = obj(file['bpf']);
      view.description = `bpf map ${num(b['map_id'])}, type ${num(b['map_type'])}, ${num(b['max_entries'])} entries`;
      break;
    }
    case 'PIDFD':
      view.description = `pidfd for pid ${num(obj(file['pidfd'])['nspid'])}`;
      break;
    default:
      view.description = `${type} (flags ${hex(flags)})`;
  }
  return view;
}

const PROT = (p: number): string => `${p & 1 ? 'r' : '-'}${p & 2 ? 'w' : '-'}${p & 4 ? 'x' : '-'}`;
function vmaViews(ix: Index, mm: Entry | undefined, runs: PageRun[]): VmaView[] {
  // VMAs and page runs both come in address order: one merged walk instead of every run for every VMA.
  let ri = 0;
  let prevStart = -1;
  return ((mm?.['vmas'] as Entry[] | undefined) ?? []).map((v): VmaView => {
    const start = num(v['start']);
    const end = num(v['end']);
    if (start < prevStart) ri = 0;
    prevStart = start;
    while (ri < runs.length && runs[ri]!.vaddr + runs[ri]!.length <= start) ri++;
    let rss = 0;
    for (let j = ri; j < runs.length && runs[j]!.vaddr < end; j++) {
      const r = runs[j]!;
      rss += Math.max(0, Math.min(end, r.vaddr + r.length) - Math.max(start, r.vaddr));
    }
    const status = num(v['status']);
    const view: VmaView = { start: hex(v['start']), end: hex(v['end']), sizeBytes: end - start, rssBytes: rss, prot: PROT(num(v['prot'])), kind: vmaKind(status) };
    if (mapsFile(status)) {
      // shmid is the mapped file's id in files.img: a regular file, or a memfd (named as /proc/PID/maps names it).
      const shmid = num(v['shmid']);
      const memfd = status & VMA_AREA_MEMFD ? ix.memfdName(shmid) : undefined;
      const path = ix.path(shmid) ?? (memfd !== undefined ? `memfd:${memfd}` : undefined);
      if (path !== undefined) view.path = path;
      if (ix.unlinked(shmid)) view.unlinked = true;
    }
    return view;
  });
}

/** One process's memory map (what `stasis inspect --json` shows under memory.map), without building a whole report. */
export function memoryMapOf(cp: Checkpoint, pid: number): VmaView[] {
  return vmaViews(new Index(cp), cp.images.get(`mm-${pid}.img`)?.entries[0], pageRuns(cp.images.get(`pagemap-${pid}.img`)).runs);
}

export interface ReportOptions {
  /** Read argv and environment from memory pages (needs random access or captured pages). */
  args?: boolean;
}

export async function buildReport(cp: Checkpoint, options: ReportOptions = {}): Promise<InspectReport> {
  const ix = new Index(cp);
  const pstree = ix.entries('pstree.img');
  const fdsOf = new Map<number, Entry[]>();
  // files_id per pid first, so socket holders are known before descriptions are written.
  const filesIdOf = (pid: number): number | undefined => {
    const core = ix.entries(`core-${pid}.img`)[0];
    const ids = obj(core?.['ids']);
    if (ids['files_id'] !== undefined) return num(ids['files_id']);
    const idsImg = ix.entries(`ids-${pid}.img`)[0];
    return idsImg ? num(idsImg['files_id']) : undefined;
  };
  for (const p of pstree) {
    const pid = num(p['pid']);
    const fid = filesIdOf(pid);
    const fdis = fid !== undefined ? (cp.images.get(`fdinfo-${fid}.img`)?.entries ?? []) : (cp.images.get(`fdinfo-${pid}.img`)?.entries ?? []);
    fdsOf.set(pid, fdis);
    for (const f of fdis) {
      const id = num(f['id']);
      const list = ix.holders.get(id) ?? [];
      list.push({ pid, fd: num(f['fd']) });
      ix.holders.set(id, list);
    }
  }

  // Deleted things the checkpoint holds, by kind and path: through fds, mappings, or as a working directory.
  const unlinked = new Map<string, { view: UnlinkedFileView; mappedBy: Set<number>; cwdOf: Set<number> }>();
  const note = (path: string, kind: UnlinkedFileView['kind']): { view: UnlinkedFileView; mappedBy: Set<number>; cwdOf: Set<number> } => {
    const key = `${kind}\0${path}`;
    let u = unlinked.get(key);
    if (!u) unlinked.set(key, (u = { view: { path, kind, holders: [] }, mappedBy: new Set(), cwdOf: new Set() }));
    return u;
  };
  const UNLINKED_KIND: Record<string, UnlinkedFileView['kind']> = { reg: 'file', fifo: 'fifo', unixsk: 'unix-socket' };

  const processes: ProcessView[] = [];
  for (const p of pstree) {
    const pid = num(p['pid']);
    const core = ix.entries(`core-${pid}.img`)[0] ?? {};
    const tc = obj(core['tc']);
    const thread = obj(core['thread_core']);
    const creds = obj(thread['creds']);
    // CRIU 4 writes a task's namespace (and other kernel object) ids to ids-PID.img; older CRIU kept them in core.ids.
    const ids = obj(ix.entries(`ids-${pid}.img`)[0] ?? core['ids']);
    const fsEntry = ix.entries(`fs-${pid}.img`)[0];
    const mm = ix.entries(`mm-${pid}.img`)[0];
    const st = state(tc);
    const { runs } = pageRuns(cp.images.get(`pagemap-${pid}.img`));
    const vmas = vmaViews(ix, mm, runs);
    const comm = String(thread['comm'] ?? tc['comm'] ?? '');
    const view: ProcessView = {
      pid,
      ppid: num(p['ppid']),
      pgid: num(p['pgid']),
      sid: num(p['sid']),
      comm: String(tc['comm'] ?? comm),
      threads: ((p['threads'] as unknown[] | undefined) ?? []).map(num),
      state: st,
      cmdline: [],
      namespaces: Object.fromEntries(Object.entries(ids).filter(([k]) => k.endsWith('_ns_id')).map(([k, v]) => [k.slice(0, -6), num(v)])),
      fds: (fdsOf.get(pid) ?? []).map((f) => describeFd(ix, num(f['fd']), f)),
      memory: { vmas: vmas.length, sizeBytes: vmas.reduce((s, v) => s + v.sizeBytes, 0), rssBytes: runs.reduce((s, r) => s + r.length, 0), map: vmas },
    };
    if ((st === 'zombie' || st === 'dead') && tc['exit_code'] !== undefined) Object.assign(view, exitOf(num(tc['exit_code'])));
    if (fsEntry) {
      const cwdId = num(fsEntry['cwd_id']);
      const cwd = ix.path(cwdId);
      const root = ix.path(num(fsEntry['root_id']));
      // As /proc/PID/cwd reads for a directory removed while a process sat in it.
      if (cwd !== undefined) view.cwd = ix.unlinked(cwdId) ? `${cwd} (deleted)` : cwd;
      if (root !== undefined) view.root = root;
      if (cwd !== undefined && ix.unlinked(cwdId)) note(cwd, 'directory').cwdOf.add(pid);
    }
    if (mm && mm['exe_file_id'] !== undefined) {
      const exe = ix.path(num(mm['exe_file_id']));
      if (exe !== undefined) view.exe = exe;
    }
    if (creds['uid'] !== undefined) view.uid = num(creds['uid']);
    if (creds['gid'] !== undefined) view.gid = num(creds['gid']);
    const seccomp = thread['seccomp_mode'] ?? tc['old_seccomp_mode'];
    if (seccomp !== undefined) view.seccomp = String(seccomp);
    const filters = seccompChainOf(thread['seccomp_filter'] !== undefined ? thread : { seccomp_filter: tc['old_seccomp_filter'] }, ix.entries('seccomp.img')[0]);
    if (filters?.length) view.seccompFilters = filters;
    const rlimits = rlimitsOf(tc);
    if (rlimits) view.rlimits = rlimits;
    const timers = timersOf(tc);
    if (timers) view.timers = timers;
    const pending = pendingSignalsOf(tc['signals_s']);
    for (const tid of view.threads.length ? view.threads : [pid]) {
      const tcore = tid === pid ? core : ix.entries(`core-${tid}.img`)[0];
      pending.push(...pendingSignalsOf(obj(obj(tcore?.['thread_core'])['signals_p']), tid));
    }
    // CRIU before 2.x kept the queues in signal-s-PID.img / signal-p-TID.img.
    for (const e of ix.entries(`signal-s-${pid}.img`)) pending.push(...pendingSignalsOf(e));
    if (pending.length) view.pendingSignals = pending;
    for (const v of vmas) if (v.unlinked && v.path) note(v.path, 'file').mappedBy.add(pid);
    if (tc['personality'] !== undefined) view.personality = num(tc['personality']);
    if (options.args !== false && mm) {
      const { cmdline, environ } = await readArgsEnv(ProcessMemory.of(cp, pid), mm);
      if (cmdline) view.cmdline = cmdline;
      if (environ) view.environ = environ;
    }
    processes.push(view);
  }

  const sockets: SocketView[] = [];
  for (const f of ix.files.values()) {
    const id = num(f['id']);
    const holders = ix.holders.get(id) ?? [];
    if (f['usk']) {
      const s = obj(f['usk']);
      const peerIno = num(s['peer']);
      const ps = peerIno ? ix.unixByIno.get(peerIno) : undefined;
      const name = unixName(s['name']);
      sockets.push({
        id, kind: 'unix', type: SOCK_TYPES[num(s['type'])] ?? String(num(s['type'])), state: TCP_STATES[num(s['state'])] ?? String(num(s['state'])),
        ino: num(s['ino']), holders, ...(name ? { local: name } : {}),
        ...(peerIno ? { peer: { ino: peerIno, holders: ps ? (ix.holders.get(num(ps['id'])) ?? []) : [] } } : {}),
        ...(ix.sockQueues.has(id) ? { queuedBytes: ix.sockQueues.get(id)! } : {}),
        ...(s['deleted'] === true ? { deleted: true } : {}),
        ...(ix.inFlight.has(id) ? { inFlight: ix.inFlight.get(id)!.map((fid) => inFlightFile(ix, fid)) } : {}),
      });
    } else if (f['isk']) {
      const s = obj(f['isk']);
      const fam = num(s['family']);
      sockets.push({
        id, kind: fam === 10 ? 'inet6' : 'inet', type: SOCK_TYPES[num(s['type'])] ?? String(num(s['type'])), state: TCP_STATES[num(s['state'])] ?? String(num(s['state'])),
        ino: num(s['ino']), holders, local: `${ipAddr(fam, s['src_addr'])}:${num(s['src_port'])}`, remote: `${ipAddr(fam, s['dst_addr'])}:${num(s['dst_port'])}`,
      });
    } else if (f['nlsk']) {
      const s = obj(f['nlsk']);
      sockets.push({ id, kind: 'netlink', type: `protocol ${num(s['protocol'])}`, state: String(num(s['state'])), ino: num(s['ino']), holders, local: `port ${num(s['portid'])}` });
    } else if (f['psk']) {
      const s = obj(f['psk']);
      sockets.push({ id, kind: 'packet', type: SOCK_TYPES[num(s['type'])] ?? String(num(s['type'])), state: '', holders, local: `ifindex ${num(s['ifindex'])}` });
    }
  }

  const mounts: MountView[] = [];
  for (const image of cp.images.values()) {
    if (image.kind !== 'MNTS') continue;
    for (const m of image.entries) {
      mounts.push({
        id: num(m['mnt_id']), parent: num(m['parent_mnt_id']), mountpoint: String(m['mountpoint'] ?? ''),
        fstype: String(m['fsname'] ?? FSTYPES[num(m['fstype'])] ?? `type ${num(m['fstype'])}`), source: String(m['source'] ?? ''),
        root: String(m['root'] ?? ''), options: String(m['options'] ?? ''),
      });
    }
  }

  const statsImage = cp.images.get('stats-dump') ?? cp.images.get('stats-dump.img');
  const dump = obj(statsImage?.entries[0]?.['dump']);
  const stats = statsImage ? Object.fromEntries(Object.entries(dump).map(([k, v]) => [k, num(v)])) : null;

  for (const p of processes) {
    for (const f of p.fds) if (f.unlinked && f.path) note(f.path, UNLINKED_KIND[f.type] ?? 'file').view.holders.push({ pid: p.pid, fd: f.fd });
  }

  return {
    source: { path: cp.label, format: cp.format, layout: cp.layout, imageVersion: num(ix.entries('inventory.img')[0]?.['img_version']) },
    processes,
    sockets,
    mounts,
    stats,
    container: containerView(cp),
    unlinkedFiles: [...unlinked.values()].map(({ view, mappedBy, cwdOf }) => ({
      ...view,
      ...(mappedBy.size ? { mappedBy: [...mappedBy] } : {}),
      ...(cwdOf.size ? { cwdOf: [...cwdOf] } : {}),
    })),
    fileLocks: fileLocksOf(cp.images),
    ipc: ipcObjectsOf(cp.images),
    undecoded: [...cp.undecoded, ...unknownFields(cp)],
  };
}

function inFlightFile(ix: Index, id: number): InFlightFileView {
  const type = String(ix.files.get(id)?.['type'] ?? 'UND');
  return { id, ...describeFile(ix, id, type, 0) };
}

/** CRIU keeps a zombie's raw wait status (/proc/PID/stat's exit_code); split it the way waitpid's macros do. */
export function exitOf(status: number): { exitCode: number } | { exitSignal: number } {
  const signal = status & 0x7f;
  return signal ? { exitSignal: signal } : { exitCode: (status >> 8) & 0xff };
}

/** Records that carried field numbers the schemas lack, one entry per file and message type. */
function unknownFields(cp: Checkpoint): UndecodedView[] {
  const out: UndecodedView[] = [];
  for (const image of cp.images.values()) {
    let byMessage: Map<string, Set<number>> | undefined;
    for (const entry of image.entries) {
      const unknown = unknownFieldsOf(entry);
      if (!unknown) continue;
      byMessage ??= new Map();
      for (const u of unknown) {
        const set = byMessage.get(u.message) ?? new Set<number>();
        for (const f of u.fields) set.add(f);
        byMessage.set(u.message, set);
      }
    }
    for (const [message, ids] of byMessage ?? []) {
      const fields = [...ids].sort((a, b) => a - b);
      out.push({ file: image.file, reason: `${message} fields not in Stasis's schema: ${fields.join(', ')}`, message, fields });
    }
  }
  return out;
}

/** Podman stores CRIU's version as one number, major*10000 + minor*100 + patch (e.g. 40101). */
function criuVersionText(v: unknown): string | undefined {
  const text = typeof v === 'number' ? String(v) : str(v);
  if (!text) return undefined;
  if (!/^\d{5,}$/.test(text)) return text;
  const n = Number(text);
  return `${Math.floor(n / 10000)}.${Math.floor(n / 100) % 100}.${n % 100}`;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function containerView(cp: Checkpoint): ContainerView | null {
  const c = cp.container;
  if (cp.layout !== 'container' && !c.config && !c.spec) return null;
  const config = obj(c.config);
  const spec = obj(c.spec);
  const process = obj(spec['process']);
  const annotations = obj(spec['annotations']);
  const view: ContainerView = {};
  const set = <K extends keyof ContainerView>(k: K, v: ContainerView[K] | undefined): void => {
    if (v !== undefined) view[k] = v;
  };
  set('id', str(config['id']) ?? str(annotations['io.kubernetes.cri-o.ContainerID']));
  set('name', str(config['name']) ?? str(annotations['io.kubernetes.cri-o.ContainerName']) ?? str(annotations['io.container.manager']));
  set('image', str(config['rootfsImageName']) ?? str(config['rootfsImageRef']) ?? str(annotations['io.kubernetes.cri-o.ImageName']));
  set('imageId', str(config['rootfsImage']) ?? str(config['rootfsImageID']));
  set('created', str(config['createdTime']) ?? str(annotations['io.kubernetes.cri-o.Created']));
  set('checkpointed', str(config['checkpointedTime']));
  set('runtime', str(config['runtime']) ?? str(config['ociRuntime']));
  set('criuVersion', criuVersionText(config['criuVersion'] ?? annotations['io.podman.annotations.checkpoint.criu.version'] ?? obj(config['annotations'])['io.podman.annotations.checkpoint.criu.version']));
  set('engine', str(annotations['io.container.manager']) ?? (str(config['runtime']) ? 'podman' : undefined));
  const args = process['args'];
  if (Array.isArray(args)) view.command = args.map(String);
  if (c.network !== undefined) view.network = c.network;
  if (c.rootfsDiff || c.deletedFiles) view.rootfsChanges = { added: (c.rootfsDiff ?? []).filter((f) => f.type !== 'dir'), deleted: c.deletedFiles ?? [] };
  if (c.devshm) view.devshm = c.devshm;
  return view;
}

export { PAGE_SIZE };
