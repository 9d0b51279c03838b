import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { until } from '../../test-support/poll';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withLimits } from '../../shared/archive/errors';
import { archiveSource } from '../../shared/archive/source';
import { loadCheckpoint } from '../../shared/inspect/checkpoint';
import { argEnvCapturePlan } from '../../shared/inspect/memory';
import { buildReport, type InspectReport } from '../../shared/inspect/report';
import { describeSystem } from '../../test-support/system';
import { fileOpener, searchMemory } from '../services/memory-service';
import { loadCheckpointFile } from './load';
import { zstdBinding } from './prestart';
import { unzstdNative } from './zstd-native';

// A tar of an image directory may hold its members in any order: `tar -C DIR -cf X .` writes them as readdir returns
// them, and a pages-N.img then often comes before its process's mm and pagemap. Every order must read the same.

const MARK = `stasis-order-${process.pid}`;
// The shell stays (no exec): its command line carries the mark; its children are sleeps.
const SCRIPT = `sleep 1001 & sleep 1002; : ${MARK}`;

function sh(cmd: string, args: string[], timeout = 120_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The report without what names the source itself. */
function comparable(r: InspectReport): unknown {
  return { ...r, source: { imageVersion: r.source.imageVersion } };
}

async function reportOf(file: string, binding?: string): Promise<InspectReport> {
  const { checkpoint, handles } = await loadCheckpointFile(file, binding ? { zstdWorkerBinding: binding } : {});
  try {
    return await buildReport(checkpoint);
  } finally {
    await handles.close();
  }
}

async function* fileChunks(file: string): AsyncIterable<Uint8Array> {
  const h = await open(file, 'r');
  try {
    for (;;) {
      const buf = new Uint8Array(256 * 1024);
      const { bytesRead } = await h.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await h.close();
  }
}

/** Read as a host's stream is: one pass, no seeking, no second walk. */
async function streamedReport(file: string, maxSpillBytes?: number): Promise<InspectReport> {
  const limits = withLimits(maxSpillBytes === undefined ? {} : { maxSpillBytes });
  const source = await archiveSource({ label: file, open: () => fileChunks(file) }, limits, { zstd: unzstdNative });
  return buildReport(await loadCheckpoint(source, { limits, capture: argEnvCapturePlan }));
}

describeSystem('archives in any member order read the same', ['root', 'criu'], () => {
  let work: string;
  let dir: string;
  let treePid = 0;
  let treeChild: ChildProcess | undefined;
  const archives: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'stasis-order-'));
    dir = path.join(work, 'images');
    mkdirSync(dir);
    // Two processes with command lines and an environment worth reading, in a session of their own.
    const child = spawn('env', ['-i', `STASIS_ORDER=${MARK}`, 'PATH=/usr/bin:/bin', 'sh', '-c', SCRIPT], { detached: true, stdio: 'ignore' });
    treePid = child.pid!;
    treeChild = child;
    child.unref();
    const started = (): boolean => spawnSync('pgrep', ['-P', String(treePid)], { encoding: 'utf8' }).stdout.trim().split('\n').length === 2;
    await until('the tree to start its two children', started, Boolean, { timeoutMs: 10_000 });
    sh('criu', ['dump', '-D', dir, '-t', String(treePid), '-o', 'dump.log']);
    treePid = 0;
    const names = readdirSync(dir).filter((n) => n !== 'dump.log').sort();
    const pagesFirst = [...names.filter((n) => n.startsWith('pages-')), ...names.filter((n) => !n.startsWith('pages-'))];
    const orders: Record<string, string[]> = { name: names, reversed: [...names].reverse(), 'pages-first': pagesFirst };
    for (const [order, list] of Object.entries(orders)) {
      for (const [ext, flag] of [['tar', []], ['tar.gz', ['--gzip']], ['tar.zst', ['--zstd']]] as const) {
        const out = path.join(work, `${order}.${ext}`);
        sh('tar', [...flag, '-C', dir, '-cf', out, ...list]);
        archives.push(out);
      }
    }
    // As a user tars a directory: readdir order, with "./" names.
    const plain = path.join(work, 'readdir.tar.zst');
    sh('tar', ['--zstd', '-C', dir, '-cf', plain, '.']);
    archives.push(plain);
  });

  afterAll(() => {
    // Only while our child still runs: CRIU's dump ended it, and a dead group's number is soon another's (pid_max 32768).
    if (treePid && treeChild?.exitCode === null && treeChild.signalCode === null) {
      try {
        process.kill(-treePid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('gives the same report for the directory and every archive order and compression', async () => {
    const expected = await reportOf(dir);
    const main = expected.processes.find((p) => p.cmdline.includes(SCRIPT));
    expect(main?.cmdline).toEqual(['sh', '-c', SCRIPT]);
    expect(main?.environ).toContain(`STASIS_ORDER=${MARK}`);
    expect(expected.processes.find((p) => p.cmdline[1] === '1001')?.environ).toContain(`STASIS_ORDER=${MARK}`);
    expect(expected.processes).toHaveLength(3);
    const binding = zstdBinding();
    for (const file of archives) {
      expect.soft(comparable(await reportOf(file)), file).toEqual(comparable(expected));
      if (binding && file.endsWith('.zst')) expect.soft(comparable(await reportOf(file, binding)), `${file} (worker)`).toEqual(comparable(expected));
    }
  });

  it('reads a stream that cannot be walked twice from the spill, and says so when the spill is too small', async () => {
    const expected = comparable(await reportOf(dir));
    for (const file of archives.filter((f) => !f.endsWith('.tar'))) expect.soft(comparable(await streamedReport(file)), file).toEqual(expected);
    const starved = await streamedReport(path.join(work, 'pages-first.tar.zst'), 0);
    expect(starved.processes.every((p) => p.cmdline.length === 0)).toBe(true);
    expect(starved.undecoded.filter((u) => /spill budget/.test(u.reason)).length).toBeGreaterThan(0);
  });

  it('finds the same memory in every order', async () => {
    const pid = (await reportOf(dir)).processes.find((p) => p.cmdline.includes(SCRIPT))!.pid;
    const found = async (file: string): Promise<string[]> => {
      const { searcher } = await searchMemory(fileOpener(file), pid, { kind: 'text', text: `STASIS_ORDER=${MARK}` }, 10, 0);
      return searcher.matches.map((m) => m.address.toString(16));
    };
    const expected = await found(dir);
    expect(expected.length).toBeGreaterThan(0);
    for (const file of archives) expect.soft(await found(file), file).toEqual(expected);
  });
});
