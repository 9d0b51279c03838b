import type { Entry } from '../criu/image';
import { num } from './memory';

// A task's state beyond its files and memory, as CRIU keeps it in core-TID.img (and seccomp.img): resource limits,
// timers, seccomp filters and signals not yet delivered.

export interface RlimitView {
  resource: string;
  /** Decimal, or "unlimited" (RLIM_INFINITY). */
  soft: string;
  hard: string;
}

export interface ItimerView {
  which: 'real' | 'virtual' | 'prof';
  /** Seconds to the next expiry, "S.uuuuuu". */
  value: string;
  interval: string;
}

export interface PosixTimerView {
  id: number;
  clock: string;
  signal: number;
  notify: string;
  value: string;
  interval: string;
  overrun: number;
  thread?: number;
}

export interface SeccompFilterView {
  /** Position in seccomp.img; the list runs from the filter installed last to the first. */
  index: number;
  instructions: number;
  flags: number;
}

export interface PendingSignalView {
  signal: number;
  /** The thread it is queued for; absent for the process-wide queue. */
  thread?: number;
}

// Linux's RLIMIT_* order.
const RLIMITS = ['cpu', 'fsize', 'data', 'stack', 'core', 'rss', 'nproc', 'nofile', 'memlock', 'as', 'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'rttime'];
const CLOCKS: Record<number, string> = {
  0: 'realtime', 1: 'monotonic', 2: 'process-cputime', 3: 'thread-cputime', 4: 'monotonic-raw', 5: 'realtime-coarse',
  6: 'monotonic-coarse', 7: 'boottime', 8: 'realtime-alarm', 9: 'boottime-alarm', 11: 'tai',
};
// sigevent.sigev_notify
const NOTIFY: Record<number, string> = { 0: 'signal', 1: 'none', 2: 'thread', 4: 'thread-id' };
const RLIM_INFINITY = '18446744073709551615';

function obj(v: unknown): Entry {
  return v && typeof v === 'object' ? (v as Entry) : {};
}

function list(v: unknown): Entry[] {
  return Array.isArray(v) ? (v as Entry[]) : [];
}

function decimal(v: unknown): string {
  return typeof v === 'string' ? v : String(num(v));
}

function seconds(sec: unknown, frac: unknown, digits: number): string {
  return `${decimal(sec)}.${String(num(frac)).padStart(digits, '0')}`;
}

export function rlimitsOf(tc: Entry): RlimitView[] | undefined {
  const limits = list(obj(tc['rlimits'])['rlimits']);
  if (!limits.length) return undefined;
  const value = (v: unknown): string => (decimal(v) === RLIM_INFINITY ? 'unlimited' : decimal(v));
  return limits.map((r, i) => ({ resource: RLIMITS[i] ?? `rlimit ${i}`, soft: value(r['cur']), hard: value(r['max']) }));
}

export function timersOf(tc: Entry): { itimers: ItimerView[]; posix: PosixTimerView[] } | undefined {
  const t = tc['timers'];
  if (!t || typeof t !== 'object') return undefined;
  const timers = obj(t);
  const itimers: ItimerView[] = [];
  for (const [field, which] of [['real', 'real'], ['virt', 'virtual'], ['prof', 'prof']] as const) {
    const it = timers[field];
    if (!it || typeof it !== 'object') continue;
    const e = obj(it);
    // An itimer with neither a value nor an interval is disarmed: not shown.
    if (!num(e['vsec']) && !num(e['vusec']) && !num(e['isec']) && !num(e['iusec'])) continue;
    itimers.push({ which, value: seconds(e['vsec'], e['vusec'], 6), interval: seconds(e['isec'], e['iusec'], 6) });
  }
  const posix = list(timers['posix']).map((p): PosixTimerView => ({
    id: num(p['it_id']),
    clock: CLOCKS[num(p['clock_id'])] ?? `clock ${num(p['clock_id'])}`,
    signal: num(p['si_signo']),
    notify: NOTIFY[num(p['it_sigev_notify'])] ?? `notify ${num(p['it_sigev_notify'])}`,
    value: seconds(p['vsec'], p['vnsec'], 9),
    interval: seconds(p['isec'], p['insec'], 9),
    overrun: num(p['overrun']),
    ...(p['notify_thread_id'] !== undefined ? { thread: num(p['notify_thread_id']) } : {}),
  }));
  if (!itimers.length && !posix.length) return undefined;
  return { itimers, posix };
}

/** The filter chain a thread runs under: from its own filter back through each `prev`, as the kernel applies them. */
export function seccompChainOf(threadCore: Entry, seccompImage: Entry | undefined): SeccompFilterView[] | undefined {
  if (threadCore['seccomp_filter'] === undefined || !seccompImage) return undefined;
  const filters = list(seccompImage['seccomp_filters']);
  const out: SeccompFilterView[] = [];
  const seen = new Set<number>();
  let i: number | undefined = num(threadCore['seccomp_filter']);
  // A hostile image could loop the chain or point outside it: each filter is listed once, and the walk stops there.
  while (i !== undefined && i < filters.length && !seen.has(i)) {
    seen.add(i);
    const f: Entry = filters[i]!;
    const bytes = f['filter'];
    // struct sock_filter is 8 bytes.
    out.push({ index: i, instructions: bytes instanceof Uint8Array ? Math.floor(bytes.length / 8) : 0, flags: num(f['flags']) });
    i = f['prev'] !== undefined ? num(f['prev']) : undefined;
  }
  return out;
}

/** Signals queued (siginfo_t starts with si_signo, a 32-bit int; CRIU runs on little-endian machines only). */
export function pendingSignalsOf(queue: unknown, thread?: number): PendingSignalView[] {
  return list(obj(queue)['signals']).map((s) => {
    const info = s['siginfo'];
    const signal = info instanceof Uint8Array && info.length >= 4 ? new DataView(info.buffer, info.byteOffset, 4).getInt32(0, true) : 0;
    return thread === undefined ? { signal } : { signal, thread };
  });
}
