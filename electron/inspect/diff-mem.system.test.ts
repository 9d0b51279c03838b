import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeSystem } from '../../test-support/system';
import type { ReportDiff } from '../../shared/inspect/diff';

const WORKLOAD = readFileSync(new URL('./fixtures/diff-workload.py', import.meta.url), 'utf8');
const NAME = `stasis-test-diff-${process.pid}`;
const MARKER = `STASIS-MEM-MARKER-${12345 * 7}`;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function sh(cmd: string, args: string[], timeout = 120_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}

function stasis(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['bin/stasis.mjs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 256 << 20 });
}

function waitForLog(text: string): void {
  for (let i = 0; i < 200; i++) {
    if (sh('podman', ['logs', NAME]).includes(text)) return;
    execFileSync('sleep', ['0.1']);
  }
  throw new Error(`${NAME} never printed ${text}`);
}

describeSystem('stasis diff and stasis mem on real checkpoints', ['root', 'criu', 'podman'], () => {
  let work = '';
  let a = '';
  let b = '';

  beforeAll(() => {
    sh('node', [path.join(ROOT, 'scripts/build.mjs'), '--node-only']);
    work = mkdtempSync(path.join(tmpdir(), 'stasis-diff-'));
    // A is zstd (memory read while streaming), B plain tar (memory read at random): both reading paths are covered.
    a = path.join(work, 'a.tar.zst');
    b = path.join(work, 'b.tar');
    sh('podman', ['run', '-d', '--name', NAME, '--network', 'none', 'localhost/stasis-debian', 'python3', '-c', WORKLOAD]);
    waitForLog('ready');
    sh('podman', ['container', 'checkpoint', NAME, '--leave-running', '--compress', 'zstd', '--export', a]);
    sh('podman', ['exec', NAME, 'touch', '/tmp/go']);
    waitForLog('changed');
    sh('podman', ['container', 'checkpoint', NAME, '--leave-running', '--compress', 'none', '--export', b]);
  });

  afterAll(() => {
    try {
      sh('podman', ['rm', '-f', '-t', '0', NAME]);
    } catch {
      /* never started */
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('diff --json finds the new child, the new file, the new sockets and the memory growth', () => {
    const r = stasis('diff', a, b, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout) as ReportDiff;
    expect(d.same).toBe(false);
    expect(d.processes.removed).toEqual([]);
    expect(d.processes.added).toEqual([expect.objectContaining({ ppid: 1, comm: 'python3', state: 'alive' })]);
    const main = d.processes.changed.find((p) => p.pid === 1)!;
    expect(main.fds.added.map((f) => f.path)).toContain('/tmp/new.txt');
    expect(main.fds.added.filter((f) => f.type === 'unixsk')).toHaveLength(2);
    expect(main.fds.removed).toEqual([]);
    expect(main.memory.rssDelta).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    expect(d.memory[0]).toEqual(expect.objectContaining({ pid: 1 }));
    // The pair's two ends, each held by the parent and (inherited) by the child.
    expect(d.sockets.added).toHaveLength(2);
    for (const s of d.sockets.added) expect(s.holders.map((h) => h.pid).sort()).toEqual([1, d.processes.added[0]!.pid]);
    expect(d.sockets.removed).toEqual([]);
  });

  it('diff prints a readable summary, and says when nothing changed', () => {
    const r = stasis('diff', a, b);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^processes: 1 added, 0 removed, 1 changed$/m);
    expect(r.stdout).toMatch(/^ {6}\+ fd +\d+ {2}file \/tmp\/new\.txt \(write/m);
    expect(r.stdout).toMatch(/^sockets: 2 added, 0 removed$/m);
    expect(r.stdout).toMatch(/^ {2}1 +python3 .*\+3\d\.\d MiB/m);
    const same = stasis('diff', b, b);
    expect(same.status).toBe(0);
    expect(same.stdout).toContain('no differences');
  });

  for (const which of ['a.tar.zst', 'b.tar']) {
    it(`mem finds the marker in ${which} inside a VMA, and --dump shows it`, () => {
      const file = path.join(work, which);
      const r = stasis('mem', file, '--pid', '1', '--search', MARKER, '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const found = JSON.parse(r.stdout) as { matches: Array<{ address: string; length: number; vma: { start: string; end: string; prot: string } | null; context: { text: string } }> };
      expect(found.matches.length).toBeGreaterThanOrEqual(1);
      const m = found.matches[0]!;
      expect(m.length).toBe(MARKER.length);
      expect(m.vma).not.toBeNull();
      const addr = BigInt(m.address);
      expect(addr >= BigInt(m.vma!.start) && addr < BigInt(m.vma!.end)).toBe(true);
      expect(m.vma!.prot).toMatch(/^rw/);
      expect(m.context.text).toContain(MARKER);

      const dump = stasis('mem', file, '--pid', '1', '--dump', `${m.address}:64`);
      expect(dump.status).toBe(0);
      const lines = dump.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^pid 1, 0x[0-9a-f]+-0x[0-9a-f]+ rw/);
      expect(lines[1]).toMatch(new RegExp(`^${m.address.slice(2).padStart(12, '0')}  (?:[0-9a-f]{2} ){8} (?:[0-9a-f]{2} ){8} \\|STASIS-MEM-MARKE\\|$`));
      expect(lines.slice(1, 3).map((l) => /\|(.*)\|$/.exec(l)![1]).join('')).toContain(MARKER);
    });
  }

  it('mem: regex and hex find the same address as text; bad input exits 1 with a one-line reason', () => {
    const text = JSON.parse(stasis('mem', b, '--pid', '1', '--search', MARKER, '--json').stdout) as { matches: Array<{ address: string }> };
    const re = JSON.parse(stasis('mem', b, '--pid', '1', '--regex', 'STASIS-MEM-MARKER-[0-9]{5}', '--json').stdout) as { matches: Array<{ address: string }> };
    const hex = Buffer.from(MARKER).toString('hex');
    const hx = JSON.parse(stasis('mem', a, '--pid', '1', '--hex', hex, '--json').stdout) as { matches: Array<{ address: string }> };
    expect(re.matches.map((m) => m.address)).toEqual(expect.arrayContaining(text.matches.map((m) => m.address)));
    expect(hx.matches.length).toBeGreaterThanOrEqual(1);
    for (const [args, reason] of [
      [['--pid', '4242', '--search', 'x'], /no process 4242 in this checkpoint \(pids: 1\)$/m],
      [['--pid', '1', '--hex', 'abc'], /odd number of hex digits/],
      [['--pid', '1', '--regex', '(['], /not a valid regular expression/],
      [['--pid', '1', '--dump', '0x1000:99999999'], /over the \d+-byte cap/],
    ] as const) {
      const r = stasis('mem', a, ...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(reason);
    }
  });
});
