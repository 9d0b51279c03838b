import { escapeControl } from '../text/escape';
import type { InspectReport, ProcessView } from './report';

/** One line, at most 160 characters: commands can hold newlines and whole scripts. */
function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' \u21b5 ');
  return flat.length > 160 ? `${flat.slice(0, 159)}\u2026` : flat;
}

// Linux's numbering on x86, arm and the other generic-ABI architectures CRIU supports.
const SIGNALS = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2',
  'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU',
  'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

export function signalName(n: number): string {
  return SIGNALS[n] || (n >= 34 && n <= 64 ? `SIGRTMIN+${n - 34}` : `signal ${n}`);
}

function exitText(p: ProcessView): string {
  if (p.exitSignal !== undefined) return `, killed by ${signalName(p.exitSignal)}`;
  return p.exitCode !== undefined ? `, exit ${p.exitCode}` : '';
}

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`;
}

/** The readable tree `stasis inspect` prints: processes under their parents, each with its fds. */
export function renderReport(r: InspectReport, opts: { fds?: boolean } = {}): string {
  const lines: string[] = [];
  const c = r.container;
  lines.push(`${r.source.path} (${r.source.format}, CRIU image v${r.source.imageVersion ?? '?'})`);
  if (c) {
    lines.push(`container ${c.name ?? '?'}${c.id ? ` (${c.id.slice(0, 12)})` : ''}  image ${c.image ?? '?'}  runtime ${c.runtime ?? '?'}`);
    if (c.command) lines.push(`  command: ${oneLine(c.command.join(' '))}`);
    if (c.created) lines.push(`  created: ${c.created}${c.checkpointed ? `  checkpointed: ${c.checkpointed}` : ''}`);
    if (c.rootfsChanges) lines.push(`  rootfs changes: ${c.rootfsChanges.added.length} added/changed, ${c.rootfsChanges.deleted.length} deleted`);
  }
  const byParent = new Map<number, ProcessView[]>();
  const pids = new Set(r.processes.map((p) => p.pid));
  for (const p of r.processes) {
    const parent = pids.has(p.ppid) ? p.ppid : 0;
    const siblings = byParent.get(parent);
    if (siblings) siblings.push(p);
    else byParent.set(parent, [p]);
  }
  const walk = (parent: number, indent: string): void => {
    for (const p of byParent.get(parent) ?? []) {
      const cmd = oneLine(p.cmdline.length ? p.cmdline.join(' ') : `[${p.comm}]`);
      const extra = [
        p.state !== 'alive' ? `${p.state}${exitText(p)}` : '',
        p.threads.length > 1 ? `${p.threads.length} threads` : '',
        `pgid ${p.pgid} sid ${p.sid}`,
        p.memory.rssBytes ? `rss ${mib(p.memory.rssBytes)}` : '',
      ].filter(Boolean).join(', ');
      lines.push(`${indent}${p.pid} ${cmd}  (${extra})`);
      if (p.cwd) lines.push(`${indent}    cwd ${p.cwd}${p.root && p.root !== '/' ? `  root ${p.root}` : ''}`);
      if (opts.fds !== false) for (const f of p.fds) lines.push(`${indent}    fd ${String(f.fd).padStart(3)}  ${f.description}`);
      walk(p.pid, `${indent}  `);
    }
  };
  lines.push(`processes: ${r.processes.length}`);
  walk(0, '  ');
  if (r.sockets.length) lines.push(`sockets: ${r.sockets.length}`);
  if (r.unlinkedFiles.length) lines.push(`unlinked files: ${r.unlinkedFiles.map((u) => u.path).join(', ')}`);
  if (r.mounts.length) lines.push(`mounts: ${r.mounts.length}`);
  if (r.stats) lines.push(`CRIU: frozen ${(r.stats['frozen_time'] ?? 0) / 1000} ms, ${r.stats['pages_written'] ?? 0} pages written`);
  const raw = r.undecoded.filter((u) => !u.fields && /^raw\b/.test(u.reason));
  const other = r.undecoded.filter((u) => !u.fields && !raw.includes(u));
  if (raw.length) lines.push(`raw, not protobuf: ${raw.map((u) => (u.size !== undefined ? `${u.file} (${u.size} bytes)` : u.file)).join(', ')}`);
  if (other.length) lines.push(`not decoded: ${other.map((u) => `${u.file} (${u.reason})`).join(', ')}`);
  for (const u of r.undecoded) if (u.fields) lines.push(`unknown fields: ${u.file} ${u.message ?? '?'} ${u.fields.join(', ')}`);
  // Every line is one line: a control character or newline from the image (a name, a path) is shown escaped.
  return lines.map(escapeControl).join('\n');
}
