import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeSystem } from '../../test-support/system';
import { buildReport, type InspectReport } from '../../shared/inspect/report';
import type { Checkpoint } from '../../shared/inspect/checkpoint';
import { loadCheckpointFile } from './load';

const WORKLOAD = readFileSync(new URL('./fixtures/fd-zoo.py', import.meta.url), 'utf8');
const NAME = `stasis-test-zoo-${process.pid}`;

function sh(cmd: string, args: string[], timeout = 120_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Our decoded value must equal crit's wherever we decoded a field (we decode a subset of fields). */
function compareSubset(ours: unknown, crit: unknown, where: string, problems: string[]): void {
  if (ours instanceof Uint8Array) return; // crit renders bytes in its own encodings
  if (Array.isArray(ours)) {
    if (ours.length === 0 && crit === undefined) return; // crit leaves empty repeated fields out
    if (!Array.isArray(crit) || crit.length !== ours.length) {
      problems.push(`${where}: ${Array.isArray(crit) ? `length ${crit.length} vs ${ours.length}` : 'not a list in crit'}`);
      return;
    }
    ours.forEach((v, i) => compareSubset(v, crit[i], `${where}[${i}]`, problems));
    return;
  }
  if (ours && typeof ours === 'object') {
    if (!crit || typeof crit !== 'object') {
      problems.push(`${where}: missing in crit`);
      return;
    }
    for (const [k, v] of Object.entries(ours)) compareSubset(v, (crit as Record<string, unknown>)[k], `${where}.${k}`, problems);
    return;
  }
  const same = typeof ours === 'string' && typeof crit === 'number' ? Number(ours) === crit : ours === crit;
  if (!same) problems.push(`${where}: ours ${JSON.stringify(ours)} vs crit ${JSON.stringify(crit)}`);
}

function compareWithCrit(cp: Checkpoint, dir: string): { compared: number; problems: string[] } {
  const problems: string[] = [];
  let compared = 0;
  for (const [file, image] of cp.images) {
    if (image.undecoded || image.kind === 'GHOST_FILE') continue;
    // podman keeps stats-dump beside checkpoint/, not in it.
    const onDisk = existsSync(path.join(dir, file)) ? path.join(dir, file) : path.join(dir, '..', file);
    const crit = JSON.parse(sh('crit4', ['decode', '-i', onDisk])) as { entries: unknown[] };
    compareSubset(image.entries, crit.entries, file, problems);
    compared++;
  }
  return { compared, problems };
}

function checkZoo(r: InspectReport): void {
  const main = r.processes.find((p) => p.pid === 1)!;
  expect(main.comm).toBe('python3');
  expect(main.cmdline[0]).toBe('python3');
  expect(main.threads.length).toBe(3);
  expect(main.cwd).toBe('/tmp');
  const types = new Set(main.fds.map((f) => f.type));
  for (const t of ['reg', 'pipe', 'fifo', 'unixsk', 'eventfd', 'eventpoll', 'inotify', 'timerfd', 'memfd', 'signalfd']) expect(types).toContain(t);
  expect(main.fds.find((f) => f.type === 'signalfd')?.description).toBe('signalfd, mask 0x200'); // SIGUSR1
  expect(main.fds.find((f) => f.path === '/tmp/unlinked.txt')?.unlinked).toBe(true);
  expect(main.fds.find((f) => f.type === 'fifo')?.description).toMatch(/14 bytes queued/);
  expect(main.fds.find((f) => f.type === 'unixsk' && f.description.includes('peer: pid'))).toBeDefined();
  const zombies = r.processes.filter((p) => p.state === 'zombie');
  expect(zombies).toHaveLength(1);
  expect(zombies[0]).toMatchObject({ exitCode: 3 }); // os._exit(3)
  expect(zombies[0]).not.toHaveProperty('exitSignal');
  // Every field CRIU 4.1 wrote is declared (or reserved) in our schemas.
  expect(r.undecoded.filter((u) => u.fields)).toEqual([]);
  expect(new Set(r.processes.map((p) => p.sid)).size).toBeGreaterThanOrEqual(2);
  expect(new Set(r.processes.map((p) => p.pgid)).size).toBeGreaterThanOrEqual(3);
  expect(main.memory.rssBytes).toBeGreaterThan(0);
  expect(r.unlinkedFiles.map((u) => u.path)).toContain('/tmp/unlinked.txt');
  expect(r.container?.name).toBe(NAME);
  expect(r.container?.image).toBe('localhost/stasis-debian:latest');
  expect(r.mounts.some((m) => m.mountpoint === '/')).toBe(true);
  expect(r.stats?.['pages_written']).toBeGreaterThan(0);
}

/** The workload's System V objects: variables, shared memory, semaphores and queues decoded (and compared with crit above). */
function checkIpc(cp: Checkpoint): void {
  const kinds = new Map([...cp.images.values()].map((i) => [i.kind, i]));
  expect(kinds.get('IPC_VAR')?.entries[0]).toMatchObject({ msg_ctlmni: expect.any(Number) });
  expect(kinds.get('IPCNS_SHM')?.entries).toEqual([expect.objectContaining({ desc: expect.objectContaining({ key: 0x5354, mode: 0o600 }), size: '65536', in_pagemaps: true })]);
  // fd-zoo.py: semget(0x5355, 3) and msgget(0x5356) with one 12-byte message queued.
  expect(kinds.get('IPCNS_SEM')?.entries).toEqual([expect.objectContaining({ desc: expect.objectContaining({ key: 0x5355, mode: 0o600 }), nsems: 3 })]);
  expect(kinds.get('IPCNS_MSG')?.entries).toEqual([expect.objectContaining({ desc: expect.objectContaining({ key: 0x5356, mode: 0o600 }), qnum: 1 })]);
  expect(kinds.get('IPCNS_MSG')?.undecoded).toBeUndefined();
}

describeSystem('checkpoint reader against real CRIU and crit', ['root', 'criu', 'crit', 'podman'], () => {
  let work: string;
  let rawDir: string;
  let treePid = 0;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'stasis-inspect-'));
    sh('podman', ['run', '-d', '--name', NAME, '--network', 'none', 'localhost/stasis-debian', 'python3', '-c', WORKLOAD]);
    for (let i = 0; i < 100 && !sh('podman', ['logs', NAME]).includes('ready'); i++) execFileSync('sleep', ['0.1']);
    for (const [compress, file] of [['none', 'zoo.tar'], ['gzip', 'zoo.tar.gz'], ['zstd', 'zoo.tar.zst']] as const) {
      sh('podman', ['container', 'checkpoint', NAME, '--leave-running', '--compress', compress, '--export', path.join(work, file)]);
      const dir = path.join(work, `${file}.d`);
      mkdirSync(dir);
      sh('tar', ['-C', dir, '-xf', path.join(work, file)]);
    }
    // A plain process tree in its own session, dumped by criu directly.
    const child = spawn('sh', ['-c', 'sleep 1000 & cat /dev/zero | sleep 1000 & exec sleep 1000'], { detached: true, stdio: 'ignore' });
    treePid = child.pid!;
    child.unref();
    execFileSync('sleep', ['0.5']);
    rawDir = path.join(work, 'raw');
    mkdirSync(rawDir);
    sh('criu', ['dump', '-D', rawDir, '-t', String(treePid), '-o', 'dump.log']);
  });

  afterAll(() => {
    try {
      sh('podman', ['rm', '-f', NAME]);
    } catch {
      /* already gone */
    }
    if (treePid) {
      try {
        process.kill(-treePid, 'SIGKILL');
      } catch {
        /* criu dump already stopped it */
      }
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const file of ['zoo.tar', 'zoo.tar.gz', 'zoo.tar.zst']) {
    it(`decodes ${file} exactly as crit does`, async () => {
      const { checkpoint, handles } = await loadCheckpointFile(path.join(work, file));
      try {
        expect(checkpoint.layout).toBe('container');
        const { compared, problems } = compareWithCrit(checkpoint, path.join(work, `${file}.d`, 'checkpoint'));
        expect(problems).toEqual([]);
        expect(compared).toBeGreaterThan(20);
        checkZoo(await buildReport(checkpoint));
        checkIpc(checkpoint);
      } finally {
        await handles.close();
      }
    });
  }

  it('reads a raw image directory from criu dump and matches crit', async () => {
    const { checkpoint, handles } = await loadCheckpointFile(rawDir);
    try {
      const { compared, problems } = compareWithCrit(checkpoint, rawDir);
      expect(problems).toEqual([]);
      expect(compared).toBeGreaterThan(10);
      const r = await buildReport(checkpoint);
      expect(r.container).toBeNull();
      expect(r.processes.map((p) => p.pid)).toContain(treePid);
      const root = r.processes.find((p) => p.pid === treePid)!;
      expect(root.sid).toBe(treePid);
      expect(root.cmdline).toEqual(['sleep', '1000']);
      const cat = r.processes.find((p) => p.comm === 'cat')!;
      expect(cat.fds.find((f) => f.fd === 1)?.description).toMatch(/pipe:\[\d+\] write end, \d+ bytes queued/);
      // crit's own process view agrees on the tree.
      const ps = sh('crit4', ['x', rawDir, 'ps']);
      for (const p of r.processes) expect(ps).toMatch(new RegExp(`^\\s*${p.pid}\\s+${p.pgid}\\s+${p.sid}\\s+${p.comm}$`, 'm'));
      expect(readdirSync(rawDir).some((f) => f.startsWith('pages-'))).toBe(true);
    } finally {
      await handles.close();
    }
  });
});
