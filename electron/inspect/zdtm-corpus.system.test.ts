import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeSystem } from '../../test-support/system';
import { InspectReportSchema } from '../../shared/domain/inspect-report';
import type { InspectReport, ProcessView } from '../../shared/inspect/report';
import { inspectCommand } from '../cli/commands/inspect';

// The reader against crit on real CRIU dumps of CRIU's own zdtm test programs (built from CRIU's source at the
// installed version by ci/zdtm-corpus.sh, which also runs crit over every dump). Every field `stasis inspect --json`
// reports is checked against what crit decoded from the same images; each archive form (three member orders) must
// give the directory's report. The table of agreements per field kind is printed at the end.

type Json = Record<string, unknown>;
type Holder = { pid: number; fd: number };

const ROOT = path.resolve(__dirname, '../..');
const MIN_PROGRAMS = 60;
const ARCHIVES = ['name', 'plain', 'reverse'] as const;

interface Dump {
  name: string;
  dir: string;
  crit: (file: string) => Json[] | undefined;
  x: (what: 'ps' | 'fds' | 'mems' | 'rss') => string;
  /** Whether crit's explorer stopped part-way (it does at a zombie, which has no mm or ids image). */
  xStopped: (what: 'ps' | 'fds' | 'mems' | 'rss') => boolean;
}

/** Agree/disagree counts per field kind, with the first disagreements kept for the failure message. */
class Tally {
  readonly rows = new Map<string, { agree: number; disagree: number }>();
  readonly problems: string[] = [];

  /** `against`: what the other side is (crit, or the directory's report when archives are compared). */
  constructor(private readonly against = 'crit') {}

  check(kind: string, where: string, ours: unknown, theirs: unknown): void {
    const row = this.rows.get(kind) ?? { agree: 0, disagree: 0 };
    this.rows.set(kind, row);
    if (JSON.stringify(ours) === JSON.stringify(theirs)) row.agree++;
    else {
      row.disagree++;
      if (this.problems.length < 60) this.problems.push(`${kind} ${where}: ours ${JSON.stringify(ours)} vs ${this.against} ${JSON.stringify(theirs)}`);
    }
  }

  table(): string {
    const lines = ['field kind                      agree  disagree', '------------------------------  -----  --------'];
    for (const [kind, r] of [...this.rows].sort(([a], [b]) => a.localeCompare(b))) lines.push(`${kind.padEnd(30)}  ${String(r.agree).padStart(5)}  ${String(r.disagree).padStart(8)}`);
    const total = [...this.rows.values()].reduce((s, r) => ({ agree: s.agree + r.agree, disagree: s.disagree + r.disagree }), { agree: 0, disagree: 0 });
    lines.push(`${'total'.padEnd(30)}  ${String(total.agree).padStart(5)}  ${String(total.disagree).padStart(8)}`);
    return lines.join('\n');
  }
}

const n = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const o = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});

/** crit writes unix socket names quoted-printable (pycriu's unix_name conversion), soft line breaks included. */
function fromQuotedPrintable(text: string): Uint8Array {
  const s = text.replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...new TextEncoder().encode(s[i]!));
  }
  return Uint8Array.from(out);
}

/** What the socket's name should read as: a path without its NUL terminator(s), or "@" and an abstract name. */
function expectedUnixName(qp: unknown): string | undefined {
  if (typeof qp !== 'string' || qp === '') return undefined;
  const b = fromQuotedPrintable(qp);
  if (b[0] === 0) return `@${new TextDecoder().decode(b.subarray(1)).replace(/\0/g, '@')}`;
  const nul = b.indexOf(0);
  return new TextDecoder().decode(nul === -1 ? b : b.subarray(0, nul)) || undefined;
}

const base64 = (v: unknown): Uint8Array => (typeof v === 'string' ? Uint8Array.from(Buffer.from(v, 'base64')) : new Uint8Array());

/**
 * CRIU's VMA_* status bits, read from the header in CRIU's own source (criu/include/image.h): the names Stasis shows
 * for each. Any VMA_ define the header has and this table neither names nor ignores fails the test (a new CRIU bit).
 */
const VMA_NAMES: Record<string, string> = {
  VMA_AREA_STACK: 'stack', VMA_AREA_VSYSCALL: 'vsyscall', VMA_AREA_VDSO: 'vdso', VMA_AREA_HEAP: 'heap', VMA_FILE_PRIVATE: 'file-private',
  VMA_FILE_SHARED: 'file-shared', VMA_ANON_SHARED: 'anon-shared', VMA_ANON_PRIVATE: 'anon-private', VMA_AREA_SYSVIPC: 'sysv-shm',
  VMA_AREA_SOCKET: 'socket', VMA_AREA_VVAR: 'vvar', VMA_AREA_AIORING: 'aio', VMA_AREA_MEMFD: 'memfd', VMA_AREA_SHSTK: 'shadow-stack',
  VMA_EXT_PLUGIN: 'plugin', VMA_UNSUPP: 'unsupported',
};
const VMA_IGNORED = new Set(['VMA_AREA_NONE', 'VMA_AREA_REGULAR', 'VMA_CLOSE', 'VMA_NO_PROT_WRITE', 'VMA_PREMMAPED']);

function vmaBitsFromHeader(src: string): Array<[number, string]> {
  const text = readFileSync(path.join(src, 'criu/include/image.h'), 'utf8');
  const bits: Array<[number, string]> = [];
  for (const m of text.matchAll(/^#define\s+(VMA_\w+)\s+\(\s*(\d+)\s*<<\s*(\d+)\s*\)/gm)) {
    const [, name, one, shift] = m;
    if (VMA_IGNORED.has(name!)) continue;
    const ours = VMA_NAMES[name!];
    if (!ours) throw new Error(`criu/include/image.h defines ${name}, which the reader does not name`);
    bits.push([Number(one) * 2 ** Number(shift), ours]);
  }
  return bits.sort((a, b) => a[0] - b[0]);
}

async function inspectJson(target: string): Promise<InspectReport> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await inspectCommand.run([target, '--json'], { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } as never);
  if (code !== 0) throw new Error(`stasis inspect ${target} exited ${code}: ${err.join('')}`);
  return InspectReportSchema.parse(JSON.parse(out.join(''))) as InspectReport;
}

function loadDump(dir: string, name: string): Dump {
  const cache = new Map<string, Json[] | undefined>();
  return {
    name,
    dir,
    crit(file) {
      if (!cache.has(file)) {
        const f = path.join(dir, 'crit', `${file}.json`);
        cache.set(file, existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { entries: Json[] }).entries : undefined);
      }
      return cache.get(file);
    },
    x: (what) => readFileSync(path.join(dir, 'crit', `x-${what}.txt`), 'utf8'),
    xStopped: (what) => existsSync(path.join(dir, 'crit', `x-${what}.error`)),
  };
}

/** crit x DIR ps: "PID PGID SID COMM" per process. */
function parsePs(text: string): Map<number, { pgid: number; sid: number; comm: string }> {
  const out = new Map<number, { pgid: number; sid: number; comm: string }>();
  for (const line of text.split('\n').slice(1)) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) out.set(Number(m[1]), { pgid: Number(m[2]), sid: Number(m[3]), comm: m[4]!.trim() });
  }
  return out;
}

/**
 * crit x DIR fds: per pid, fd -> crit's file string (a path, "pipe[N]", "unix[INO (PEER) NAME]", "TYPE.ID"). A long
 * unix name runs over several lines (quoted-printable soft line breaks): such lines continue the previous value.
 */
function parseFds(text: string): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  let cur: Map<string, string> | undefined;
  let last: string | undefined;
  for (const line of text.split('\n')) {
    const pid = /^(\d+)$/.exec(line);
    const fd = /^\t\s*(\w+): (.*)$/.exec(line);
    if (pid) {
      out.set(Number(pid[1]), (cur = new Map()));
      last = undefined;
    } else if (fd && cur) {
      cur.set(fd[1]!, fd[2]!);
      last = fd[1]!;
    } else if (cur && last !== undefined && line !== '') cur.set(last, `${cur.get(last)}\n${line}`);
  }
  return out;
}

/** crit x DIR mems: per pid, "start-end" -> { prot, name } (name: a path, [stack], shmem[..], ips[..], packet[..]...). */
function parseMems(text: string): Map<number, Map<string, { prot: string; name: string }>> {
  const out = new Map<number, Map<string, { prot: string; name: string }>>();
  let cur: Map<string, { prot: string; name: string }> | undefined;
  for (const line of text.split('\n')) {
    const pid = /^(\d+)$/.exec(line);
    if (pid) out.set(Number(pid[1]), (cur = new Map()));
    const m = /^\t([0-9a-f]+-[0-9a-f]+)\s+([r-][w-][x-])(.*)$/.exec(line);
    if (m && cur) cur.set(m[1]!, { prot: m[2]!, name: m[3]!.trim() });
  }
  return out;
}

const TASK_STATES: Record<number, ProcessView['state']> = { 1: 'alive', 2: 'zombie', 3: 'stopped', 6: 'zombie' };
const SOCK_TYPES: Record<number, string> = { 1: 'stream', 2: 'dgram', 5: 'seqpacket' };
const LOCK_KINDS: Record<number, string> = { 1: 'posix', 2: 'flock', 4: 'ofd', 8: 'lease' };
const RLIMIT_NAMES = ['cpu', 'fsize', 'data', 'stack', 'core', 'rss', 'nproc', 'nofile', 'memlock', 'as', 'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'rttime'];

function fileName(d: Dump, id: number): string | undefined {
  const f = (d.crit('files.img') ?? []).find((e) => n(e['id']) === id);
  const name = o(f?.['reg'])['name'];
  return typeof name === 'string' ? name : undefined;
}

function remapped(d: Dump, id: number): boolean {
  return (d.crit('remap-fpath.img') ?? []).some((r) => n(r['orig_id']) === id && (r['remap_type'] === 'GHOST' || r['remap_type'] === 'LINKED'));
}

function memfdName(d: Dump, file: Json | undefined): string | undefined {
  const inode = (d.crit('memfd.img') ?? []).find((m) => n(m['inode_id']) === n(o(file?.['memfd'])['inode_id']));
  return inode ? String(inode['name']) : undefined;
}

/** The part of an fd's description that states what crit's record holds (a counter, a mask, watched fds...). */
function descriptionOf(d: Dump, type: string, file: Json | undefined): string | undefined {
  switch (type) {
    case 'EVENTFD':
      return `eventfd, counter ${n(o(file?.['efd'])['counter'])}`;
    case 'SIGNALFD':
      return `signalfd, mask 0x${n(o(file?.['sgfd'])['sigmask']).toString(16)}`;
    case 'EVENTPOLL': {
      const tfds = list(o(file?.['epfd'])['tfd']).map((x) => n(x['tfd']));
      return `epoll watching ${tfds.length ? `fds ${tfds.join(', ')}` : 'nothing'}`;
    }
    case 'INOTIFY': {
      const wds = list(o(file?.['ify'])['wd']).length;
      return `inotify, ${wds} watch${wds === 1 ? '' : 'es'}`;
    }
    case 'FANOTIFY': {
      const marks = list(o(file?.['ffy'])['mark']).length;
      return `fanotify, ${marks} mark${marks === 1 ? '' : 's'}`;
    }
    case 'TIMERFD':
      return `, ${n(o(file?.['tfd'])['ticks'])} ticks`;
    case 'PIDFD':
      return `pidfd for pid ${n(o(file?.['pidfd'])['nspid'])}`;
    case 'MEMFD':
      return `memfd ${memfdName(d, file) ?? '?'}`;
    case 'NETLINKSK': {
      const nl = o(file?.['nlsk']);
      return `netlink socket, protocol ${n(nl['protocol'])}, port ${n(nl['portid'])}`;
    }
    case 'TTY': {
      const info = (d.crit('tty-info.img') ?? []).find((x) => n(x['id']) === n(o(file?.['tty'])['tty_info_id']));
      if (info?.['type'] !== 'PTY') return undefined;
      // /dev/ptmx is character device 5:2; any other pty is a /dev/pts/N terminal.
      const index = n(o(info['pty'])['index']);
      return n(info['rdev']) === ((5 << 8) | 2) ? `(pts ${index})` : `/dev/pts/${index}`;
    }
    default:
      return undefined;
  }
}

function secs(sec: unknown, frac: unknown, digits: number): string {
  return `${n(sec)}.${String(n(frac)).padStart(digits, '0')}`;
}

/** Compares one dump's directory report with crit's decode of the same images, field kind by field kind. */
function compareWithCrit(d: Dump, r: InspectReport, t: Tally, vmaBits: Array<[number, string]>): void {
  const pstree = d.crit('pstree.img') ?? [];
  const ps = parsePs(d.x('ps'));
  const xfds = parseFds(d.x('fds'));
  const xmems = parseMems(d.x('mems'));
  const files = new Map((d.crit('files.img') ?? []).map((f) => [n(f['id']), f]));
  t.check('process.count', d.name, r.processes.map((p) => p.pid).sort(), pstree.map((p) => n(p['pid'])).sort());
  const expectedUnlinked = new Map<string, { kind: string; holders: Holder[]; mappedBy: number[]; cwdOf: number[] }>();
  const unlinkedAt = (p: string, kind: string) => {
    const key = `${kind} ${p}`;
    if (!expectedUnlinked.has(key)) expectedUnlinked.set(key, { kind, holders: [], mappedBy: [], cwdOf: [] });
    return expectedUnlinked.get(key)!;
  };

  for (const pe of pstree) {
    const pid = n(pe['pid']);
    const p = r.processes.find((x) => x.pid === pid);
    const where = `${d.name} pid ${pid}`;
    if (!p) continue;
    const core = d.crit(`core-${pid}.img`)?.[0] ?? {};
    const tc = o(core['tc']);
    const th = o(core['thread_core']);
    t.check('process.tree', where, [p.ppid, p.pgid, p.sid], [n(pe['ppid']), n(pe['pgid']), n(pe['sid'])]);
    t.check('process.tree (crit x ps)', where, [p.pgid, p.sid, p.comm], [ps.get(pid)?.pgid, ps.get(pid)?.sid, ps.get(pid)?.comm]);
    t.check('process.threads', where, p.threads, list(pe['threads']).map(n));
    t.check('process.comm', where, p.comm, tc['comm']);
    const state = TASK_STATES[n(tc['task_state'])] ?? 'dead';
    const exit = state === 'zombie' || state === 'dead' ? (n(tc['exit_code']) & 0x7f ? { exitSignal: n(tc['exit_code']) & 0x7f } : { exitCode: (n(tc['exit_code']) >> 8) & 0xff }) : {};
    t.check('process.state', where, [p.state, p.exitCode, p.exitSignal], [state, (exit as { exitCode?: number }).exitCode, (exit as { exitSignal?: number }).exitSignal]);
    const creds = o(th['creds']);
    t.check('process.uid/gid', where, [p.uid, p.gid], [creds['uid'], creds['gid']]);
    if (tc['personality'] !== undefined) t.check('process.personality', where, p.personality, n(tc['personality']));
    const ids = d.crit(`ids-${pid}.img`)?.[0] ?? {};
    const ns = Object.fromEntries(Object.entries(ids).filter(([k]) => k.endsWith('_ns_id')).map(([k, v]) => [k.replace(/_ns_id$/, ''), n(v)]));
    t.check('process.namespaces', where, Object.entries(p.namespaces).sort(), Object.entries(ns).sort());

    // Memory: the command line is checked against how zdtm starts a program (`./NAME --pidfile=NAME.pid ...`).
    const mm = d.crit(`mm-${pid}.img`)?.[0];
    if (mm) {
      t.check('process.cmdline', where, [p.cmdline[0], p.cmdline.includes(`--pidfile=${d.name}.pid`)], [`./${d.name}`, true]);
      t.check('process.environ', where, (p.environ?.length ?? 0) > 0, n(mm['mm_env_end']) > n(mm['mm_env_start']));
      t.check('process.exe', where, p.exe, fileName(d, n(mm['exe_file_id'])));
      const vmas = list(mm['vmas']);
      t.check('memory.vmas', where, p.memory.map.map((v) => `${v.start}-${v.end} ${v.prot}`), vmas.map((v) => `0x${n(v['start']).toString(16)}-0x${n(v['end']).toString(16)} ${n(v['prot']) & 1 ? 'r' : '-'}${n(v['prot']) & 2 ? 'w' : '-'}${n(v['prot']) & 4 ? 'x' : '-'}`));
      const xm = xmems.get(pid);
      vmas.forEach((v, i) => {
        const ours = p.memory.map[i];
        const status = n(v['status']);
        const vw = `${where} vma ${i}`;
        // Every bit, by the header's values.
        t.check('memory.kind (image.h bits)', vw, ours?.kind, vmaBits.filter(([bit]) => Math.floor(status / bit) % 2 === 1).map(([, name]) => name).join(',') || 'anon');
        // And what crit itself makes of the mapping.
        const x = xm?.get(`${n(v['start']).toString(16).padStart(8, '0')}-${n(v['end']).toString(16).padStart(8, '0')}`);
        const kind = ours?.kind.split(',') ?? [];
        const xname = x?.name.replace(/ \*$/, '') ?? '';
        const critKind = xname.startsWith('ips[') ? 'sysv-shm' : xname.startsWith('shmem[') ? 'anon-shared' : xname.startsWith('packet[') ? 'socket'
          : xname.endsWith(' (s)') ? 'file-shared' : xname === '[stack]' ? 'stack' : xname === '[vsyscall]' ? 'vsyscall' : xname === '[vdso]' ? 'vdso' : undefined;
        if (critKind) t.check('memory.kind (crit x mems)', vw, kind.includes(critKind), true);
        if (status & ((1 << 6) | (1 << 7)) && !(status & ((1 << 8) | (1 << 10) | (1 << 11)))) {
          const name = fileName(d, n(v['shmid']));
          if (name !== undefined) {
            t.check('memory.path', vw, ours?.path, name);
            if (x || !d.xStopped('mems')) t.check('memory.path (crit x mems)', vw, ours?.path, xname.replace(/ \+ 0x[0-9a-f]+/, '').replace(/ \(s\)$/, ''));
          } else if (status & (1 << 14)) {
            const memfd = o(files.get(n(v['shmid']))?.['memfd']);
            const inode = (d.crit('memfd.img') ?? []).find((m) => n(m['inode_id']) === n(memfd['inode_id']));
            t.check('memory.path (memfd)', vw, ours?.path, inode ? `memfd:${String(inode['name'])}` : undefined);
          }
          t.check('memory.unlinked', vw, ours?.unlinked ?? false, remapped(d, n(v['shmid'])));
          if (remapped(d, n(v['shmid'])) && name !== undefined) {
            const u = unlinkedAt(name, 'file');
            if (!u.mappedBy.includes(pid)) u.mappedBy.push(pid);
          }
        }
      });
      // Resident bytes: the pagemap's page runs (those in this image, not a parent's).
      const pm = (d.crit(`pagemap-${pid}.img`) ?? []).slice(1);
      t.check('memory.rss', where, p.memory.rssBytes, pm.filter((e) => !e['in_parent']).reduce((s, e) => s + n(e['nr_pages']) * 4096, 0));
      t.check('memory.size', where, p.memory.sizeBytes, vmas.reduce((s, v) => s + n(v['end']) - n(v['start']), 0));
    } else {
      t.check('process.cmdline', where, p.cmdline, []);
      t.check('memory.vmas', where, p.memory.vmas, 0);
    }

    // cwd and root, "(deleted)" where CRIU found the directory removed.
    const fs = d.crit(`fs-${pid}.img`)?.[0];
    if (fs) {
      const cwd = fileName(d, n(fs['cwd_id']));
      const deleted = remapped(d, n(fs['cwd_id']));
      t.check('process.cwd', where, p.cwd, cwd !== undefined && deleted ? `${cwd} (deleted)` : cwd);
      if (xfds.get(pid)?.has('cwd') || !d.xStopped('fds')) t.check('process.cwd (crit x fds)', where, p.cwd?.replace(/ \(deleted\)$/, ''), xfds.get(pid)?.get('cwd'));
      t.check('process.root', where, p.root, fileName(d, n(fs['root_id'])));
      if (deleted && cwd !== undefined) unlinkedAt(cwd, 'directory').cwdOf.push(pid);
    }

    // rlimits, timers, seccomp, pending signals.
    const rl = list(o(tc['rlimits'])['rlimits']);
    const lim = (v: unknown): string => (n(v) >= 2 ** 63 ? 'unlimited' : String(n(v)));
    t.check('process.rlimits', where, p.rlimits ?? [], rl.map((x, i) => ({ resource: RLIMIT_NAMES[i], soft: lim(x['cur']), hard: lim(x['max']) })));
    const timers = o(tc['timers']);
    const itimers = (['real', 'virt', 'prof'] as const).flatMap((w) => {
      const e = o(timers[w]);
      if (!n(e['vsec']) && !n(e['vusec']) && !n(e['isec']) && !n(e['iusec'])) return [];
      return [[w === 'virt' ? 'virtual' : w, secs(e['vsec'], e['vusec'], 6), secs(e['isec'], e['iusec'], 6)]];
    });
    t.check('process.itimers', where, (p.timers?.itimers ?? []).map((x) => [x.which, x.value, x.interval]), itimers);
    t.check('process.posix-timers', where, (p.timers?.posix ?? []).map((x) => [x.id, x.signal, x.overrun, x.value, x.interval]),
      list(timers['posix']).map((x) => [n(x['it_id']), n(x['si_signo']), n(x['overrun']), secs(x['vsec'], x['vnsec'], 9), secs(x['isec'], x['insec'], 9)]));
    const mode = th['seccomp_mode'] ?? tc['old_seccomp_mode'];
    t.check('process.seccomp', where, p.seccomp, mode === undefined ? undefined : String(mode));
    const filters = list((d.crit('seccomp.img') ?? [])[0]?.['seccomp_filters']);
    const chain: number[] = [];
    for (let i = th['seccomp_filter'] === undefined ? undefined : n(th['seccomp_filter']); i !== undefined && filters[i] && !chain.includes(i); i = filters[i]!['prev'] === undefined ? undefined : n(filters[i]!['prev'])) chain.push(i);
    t.check('process.seccomp-filters', where, (p.seccompFilters ?? []).map((f) => [f.index, f.instructions]), chain.map((i) => [i, base64(filters[i]!['filter']).length / 8]));
    const signo = (q: unknown): number[] => list(o(q)['signals']).map((s) => {
      const b = base64(s['siginfo']);
      return b.length >= 4 ? Buffer.from(b).readInt32LE(0) : 0;
    });
    const pending = [...signo(tc['signals_s']).map((s) => `${s}`)];
    for (const tid of list(pe['threads']).map(n)) pending.push(...signo(o(o((d.crit(`core-${tid}.img`) ?? [])[0]?.['thread_core'])['signals_p'])).map((s) => `${s}@${tid}`));
    t.check('process.pending-signals', where, (p.pendingSignals ?? []).map((s) => (s.thread === undefined ? `${s.signal}` : `${s.signal}@${s.thread}`)), pending);

    // File descriptors: numbers, types, paths; deleted ones flagged.
    const idsFiles = n(ids['files_id']);
    const fdinfo = d.crit(`fdinfo-${idsFiles}.img`) ?? [];
    t.check('fds.set', where, p.fds.map((f) => [f.fd, f.type]), fdinfo.map((f) => [n(f['fd']), String(f['type']).toLowerCase()]));
    const xf = xfds.get(pid);
    for (const fi of fdinfo) {
      const fd = n(fi['fd']);
      const ours = p.fds.find((f) => f.fd === fd);
      const fw = `${where} fd ${fd}`;
      const file = files.get(n(fi['id']));
      const x = xf?.get(String(fd));
      switch (fi['type']) {
        case 'REG': {
          const name = String(o(file?.['reg'])['name']);
          t.check('fds.path (reg)', fw, ours?.path, name);
          if (x !== undefined || !d.xStopped('fds')) t.check('fds.path (crit x fds)', fw, ours?.path, x);
          t.check('fds.unlinked', fw, ours?.unlinked ?? false, remapped(d, n(fi['id'])));
          if (remapped(d, n(fi['id']))) unlinkedAt(name, 'file').holders.push({ pid, fd });
          break;
        }
        case 'PIPE':
          if (x !== undefined || !d.xStopped('fds')) t.check('fds.pipe', fw, /pipe:\[(\d+)\]/.exec(ours?.description ?? '')?.[1], /pipe\[(\d+)\]/.exec(x ?? '')?.[1]);
          break;
        case 'FIFO': {
          const regf = n(o(file?.['fifo'])['regf_id']);
          const name = fileName(d, regf);
          t.check('fds.path (fifo)', fw, ours?.path, name);
          t.check('fds.unlinked', fw, ours?.unlinked ?? false, remapped(d, regf));
          if (remapped(d, regf) && name) unlinkedAt(name, 'fifo').holders.push({ pid, fd });
          break;
        }
        case 'UNIXSK': {
          const usk = o(file?.['usk']);
          const name = expectedUnixName(usk['name']);
          t.check('fds.path (unix)', fw, ours?.path, name?.startsWith('@') ? undefined : name);
          const xm = /^unix\[(\d+) \((\d+)\)(?: (.*))?\]$/s.exec(x ?? '');
          if (xm || !d.xStopped('fds')) t.check('fds.unix (crit x fds)', fw, [(ours?.description ?? '').includes('\0'), name ?? ''], [false, expectedUnixName(xm?.[3] ?? '') ?? '']);
          t.check('fds.unlinked', fw, ours?.unlinked ?? false, usk['deleted'] === true);
          if (usk['deleted'] === true && name) unlinkedAt(name, 'unix-socket').holders.push({ pid, fd });
          break;
        }
        default: {
          const expected = descriptionOf(d, String(fi['type']), file);
          if (expected !== undefined) t.check(`fds.description (${String(fi['type']).toLowerCase()})`, fw, ours?.description.includes(expected) ? expected : ours?.description, expected);
          if (fi['type'] === 'MEMFD') t.check('fds.path (memfd)', fw, ours?.path, memfdName(d, file));
          break;
        }
      }
    }
  }

  // Sockets: every unix socket of files.img, with its name, holders, peer, queue, deleted flag and files in flight.
  const queues = d.crit('sk-queues.img') ?? [];
  const holdersOf = new Map<number, string[]>();
  for (const pe of pstree) {
    const pid = n(pe['pid']);
    const fid = (d.crit(`ids-${pid}.img`) ?? [])[0]?.['files_id'];
    for (const fi of fid === undefined ? [] : (d.crit(`fdinfo-${n(fid)}.img`) ?? [])) holdersOf.set(n(fi['id']), [...(holdersOf.get(n(fi['id'])) ?? []), `${pid}:${n(fi['fd'])}`].sort());
  }
  for (const f of files.values()) {
    if (f['nlsk']) {
      const nl = o(f['nlsk']);
      const s = r.sockets.find((x) => x.id === n(f['id']));
      t.check('sockets.netlink', `${d.name} socket ${n(f['id'])}`, [s?.kind, s?.type, s?.local, s?.ino], ['netlink', `protocol ${n(nl['protocol'])}`, `port ${n(nl['portid'])}`, n(nl['ino'])]);
    }
    if (!f['usk']) continue;
    const usk = o(f['usk']);
    const id = n(f['id']);
    const s = r.sockets.find((x) => x.id === id);
    const where = `${d.name} socket ${id}`;
    const q = queues.filter((e) => n(e['id_for']) === id);
    const rights = q.flatMap((e) => list(e['scm']).filter((c) => n(c['type']) === 1).flatMap((c) => list(c['rights']).map(n)));
    t.check('sockets.unix', where, [s?.ino, s?.type, s?.local, s?.peer?.ino ?? 0, s?.deleted ?? false], [n(usk['ino']), SOCK_TYPES[n(usk['type'])], expectedUnixName(usk['name']), n(usk['peer']), usk['deleted'] === true]);
    t.check('sockets.holders', where, (s?.holders ?? []).map((h) => `${h.pid}:${h.fd}`).sort(), holdersOf.get(id) ?? []);
    t.check('sockets.queued', where, s?.queuedBytes, q.length ? q.reduce((sum, e) => sum + n(e['length']), 0) : undefined);
    t.check('sockets.in-flight', where, (s?.inFlight ?? []).map((x) => [x.id, x.type]), rights.map((fid) => [fid, String(files.get(fid)?.['type'] ?? 'UND').toLowerCase()]));
  }

  // Deleted things: every ghost/link-remapped file, fifo, cwd and deleted socket path held, and nothing else.
  const sortU = <T extends { path: string; kind: string }>(a: T[]): T[] => [...a].sort((x, y) => `${x.kind} ${x.path}`.localeCompare(`${y.kind} ${y.path}`));
  t.check('unlinked', d.name,
    sortU(r.unlinkedFiles).map((u) => [u.kind, u.path, u.holders.length, u.mappedBy ?? [], u.cwdOf ?? []]),
    sortU([...expectedUnlinked].map(([key, u]) => ({ ...u, path: key.slice(u.kind.length + 1) }))).map((u) => [u.kind, u.path, u.holders.length, u.mappedBy, u.cwdOf]));

  // CRIU's statistics.
  const stats = o((d.crit('stats-dump') ?? [])[0]?.['dump']);
  t.check('stats', d.name, Object.entries(r.stats ?? {}).sort(), Object.entries(stats).map(([k, v]) => [k, n(v)]).sort());

  // Locks and leases; SysV IPC objects.
  const lockType = (type: number): string => (type & 4 && type < 32 ? `breaking to ${lockType(type & ~4)}` : (['read', 'write', 'unlock'][type] ?? `type ${type}`));
  t.check('file-locks', d.name, r.fileLocks.map((l) => [l.pid, l.fd, l.kind, l.type, l.start, l.length]),
    (d.crit('filelocks.img') ?? []).map((l) => [n(l['pid']), n(l['fd']), LOCK_KINDS[n(l['flag'])] ?? 'unknown', lockType(n(l['type'])), n(l['start']), n(l['len'])]));
  const ipc: unknown[][] = [];
  for (const file of readdirSync(path.join(d.dir, 'images')).sort()) {
    const m = /^ipcns-(shm|sem|msg)-(\d+)\.img$/.exec(file);
    if (!m) continue;
    for (const e of d.crit(file) ?? []) {
      const desc = o(e['desc']);
      ipc.push([Number(m[2]), m[1], n(desc['id']), n(desc['key']), n(desc['uid']), n(desc['gid']), n(desc['mode']) & 0o777, m[1] === 'shm' ? n(e['size']) : m[1] === 'sem' ? n(e['nsems']) : n(e['qnum'])]);
    }
  }
  const sortIpc = (a: unknown[][]): unknown[][] => [...a].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  t.check('ipc', d.name, sortIpc(r.ipc.map((i) => [i.namespace, i.kind, i.id, parseInt(i.key, 16), i.uid, i.gid, parseInt(i.mode, 8), i.sizeBytes ?? i.semaphores ?? i.messages])), sortIpc(ipc));
}

/** Where two values first differ (a key path), or undefined when they are the same. */
function firstDifference(a: unknown, b: unknown, at = ''): { at: string; ours: unknown; theirs: unknown } | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Json)[k], (b as Json)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return { at, ours: a, theirs: b };
}

/** The report with what legitimately differs between forms of the same images left out. */
function comparable(r: InspectReport): unknown {
  const { source: _source, ...rest } = r;
  return rest;
}

describeSystem('the reader on CRIU zdtm dumps, field by field against crit', ['root', 'criu', 'crit'], () => {
  let corpus = '';
  const dumps: Dump[] = [];
  const reports = new Map<string, InspectReport>();
  let vmaBits: Array<[number, string]> = [];

  beforeAll(async () => {
    // Cached by CRIU version: seconds when present, a few minutes on a fresh machine (ci/provision.sh's zdtm step).
    const out = execFileSync('bash', [path.join(ROOT, 'ci/zdtm-corpus.sh')], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
    corpus = out.trim().split('\n').pop()!;
    const version = /corpus-([^/]+)-r\d+$/.exec(corpus)![1]!;
    vmaBits = vmaBitsFromHeader(path.join(path.dirname(corpus), 'src', `criu-${version}`));
    for (const line of readFileSync(path.join(corpus, 'manifest.tsv'), 'utf8').trim().split('\n')) {
      const [name, status] = line.split('\t');
      if (status === 'ok') dumps.push(loadDump(path.join(corpus, 'dumps', name!), name!));
    }
    for (const d of dumps) reports.set(d.name, await inspectJson(path.join(d.dir, 'images')));
  }, 1_200_000);

  it(`has at least ${MIN_PROGRAMS} programs, covering every kind of state the reader shows`, () => {
    expect(dumps.length).toBeGreaterThanOrEqual(MIN_PROGRAMS);
    const all = [...reports.values()];
    const fdTypes = new Set(all.flatMap((r) => r.processes.flatMap((p) => p.fds.map((f) => f.type))));
    for (const t of ['reg', 'pipe', 'fifo', 'unixsk', 'netlinksk', 'eventfd', 'eventpoll', 'signalfd', 'timerfd', 'inotify', 'fanotify', 'memfd', 'pidfd', 'tty']) expect(fdTypes, t).toContain(t);
    const kinds = new Set(all.flatMap((r) => r.processes.flatMap((p) => p.memory.map.flatMap((v) => v.kind.split(',')))));
    // CRIU 4.1 sets no VMA_AREA_STACK (it finds stacks by VM_GROWSDOWN) and x86-64 kernels here map no vsyscall page.
    for (const k of ['vdso', 'vvar', 'heap', 'file-private', 'file-shared', 'anon-shared', 'anon-private', 'sysv-shm', 'aio', 'memfd']) expect(kinds, k).toContain(k);
    const procs = all.flatMap((r) => r.processes);
    expect(new Set(procs.map((p) => p.state))).toEqual(new Set(['alive', 'zombie', 'stopped']));
    expect(procs.some((p) => p.threads.length > 1)).toBe(true);
    // Sessions and groups: a group leader inside another's session, and a group whose leader is gone.
    expect(procs.some((p) => p.pgid === p.pid && p.sid !== p.pid)).toBe(true);
    expect(procs.some((p) => !procs.some((q) => q.pid === p.pgid))).toBe(true);
    expect(all.some((r) => r.sockets.some((s) => s.local?.startsWith('@')))).toBe(true);
    expect(procs.some((p) => p.cwd?.endsWith(' (deleted)'))).toBe(true);
    expect(procs.some((p) => p.seccomp === 'strict') && procs.some((p) => p.seccompFilters?.length)).toBe(true);
    expect(procs.some((p) => p.timers?.itimers.length) && procs.some((p) => p.timers?.posix.length)).toBe(true);
    expect(procs.some((p) => p.pendingSignals?.length)).toBe(true);
    expect(procs.some((p) => p.namespaces['ipc'] !== undefined)).toBe(true);
    expect(all.some((r) => r.fileLocks.some((l) => l.kind === 'lease')) && all.some((r) => r.fileLocks.some((l) => l.kind === 'posix'))).toBe(true);
    expect(new Set(all.flatMap((r) => r.ipc.map((i) => i.kind)))).toEqual(new Set(['shm', 'sem', 'msg']));
    expect(all.some((r) => r.sockets.some((s) => s.inFlight?.length))).toBe(true);
    expect(new Set(all.flatMap((r) => r.unlinkedFiles.map((u) => u.kind)))).toEqual(new Set(['file', 'fifo', 'directory', 'unix-socket']));
    expect(all.some((r) => r.unlinkedFiles.some((u) => u.holders.length === 0 && u.mappedBy?.length))).toBe(true);
  });

  it('agrees with crit on every field the JSON has (directories)', () => {
    const t = new Tally();
    for (const d of dumps) compareWithCrit(d, reports.get(d.name)!, t, vmaBits);
    console.log(`zdtm corpus ${corpus}: ${dumps.length} programs, directory reports against crit\n${t.table()}`);
    expect(t.problems).toEqual([]);
    expect([...t.rows.values()].every((r) => r.agree > 0)).toBe(true);
  });

  it('the stasis binary prints the same JSON as the command run in-process', () => {
    for (const [name, form] of [['cwd01', 'images'], ['scm00', 'reverse.tar.zst'], ['sem', 'plain.tar.zst']] as const) {
      const d = dumps.find((x) => x.name === name)!;
      const out = execFileSync(process.execPath, [path.join(ROOT, 'bin/stasis.mjs'), 'inspect', path.join(d.dir, form), '--json'], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
      expect(comparable(InspectReportSchema.parse(JSON.parse(out)) as InspectReport), `${name} ${form}`).toEqual(comparable(reports.get(name)!));
    }
  });

  it.each(ARCHIVES)('reads each .tar.zst with members in %s order exactly as its directory', async (order) => {
    const t = new Tally('the directory');
    for (const d of dumps) {
      const archive = path.join(d.dir, `${order}.tar.zst`);
      const diff = firstDifference(comparable(await inspectJson(archive)), comparable(reports.get(d.name)!));
      t.check(`archive (${order} order)`, diff ? `${d.name} at ${diff.at}` : d.name, diff?.ours, diff?.theirs);
    }
    console.log(t.table());
    expect(t.problems.map((p) => p.slice(0, 400))).toEqual([]);
  });
});
