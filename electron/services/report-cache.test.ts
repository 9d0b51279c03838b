import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InspectReport } from '../../shared/inspect/report';
import { createReportCache, fileKey } from './report-cache';

const report = (name: string): InspectReport => ({ source: { path: name } }) as unknown as InspectReport;

describe('report cache', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('reads a checkpoint once for concurrent and later requests, and keeps only the newest few', async () => {
    const cache = createReportCache(2);
    let reads = 0;
    const read = (name: string) => async () => {
      reads++;
      return report(name);
    };
    const [a1, a2] = await Promise.all([cache.get('a', read('a')), cache.get('a', read('a'))]);
    expect(a1).toBe(a2);
    expect(reads).toBe(1);
    await cache.get('b', read('b'));
    await cache.get('a', read('a')); // a is now the newest
    await cache.get('c', read('c')); // b, the oldest, is dropped
    expect(reads).toBe(3);
    await cache.get('a', read('a'));
    expect(reads).toBe(3);
    await cache.get('b', read('b'));
    expect(reads).toBe(4);
  });

  it('does not keep a failed read', async () => {
    const cache = createReportCache();
    await expect(cache.get('x', () => Promise.reject(new Error('corrupt')))).rejects.toThrow('corrupt');
    await expect(cache.get('x', async () => report('x'))).resolves.toEqual(report('x'));
  });

  it('keys a file by what it is now: a rewritten file is another key', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stasis-report-cache-'));
    dirs.push(dir);
    const f = path.join(dir, 'c.tar');
    await writeFile(f, 'one');
    const before = await fileKey(f);
    expect(await fileKey(f)).toBe(before);
    await writeFile(f, 'two!');
    await utimes(f, new Date(), new Date(Date.now() + 5000));
    expect(await fileKey(f)).not.toBe(before);
  });
});
