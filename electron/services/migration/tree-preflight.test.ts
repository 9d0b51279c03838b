import { describe, expect, it } from 'vitest';
import type { TreeFacts } from './helper-schemas';
import { buildTreeChecks, chooseTreeStrategy } from './tree-preflight';

const facts = (o: Partial<TreeFacts> = {}): TreeFacts => ({
  criu: '4.1.1',
  criuCheck: true,
  kernel: '6.18.44',
  lazyPages: true,
  dirtyTracking: false,
  pipeMaxSize: 4 * 1024 * 1024,
  diskFree: 10 * 1024 ** 3,
  alive: true,
  comm: 'memhog',
  rss: 64 * 1024 * 1024,
  caller: 'root',
  ...o,
});
const checks = (src: TreeFacts, dst: TreeFacts) => buildTreeChecks({ source: 'a', dest: 'b', pid: '42', src, dst });
const verdict = (list: ReturnType<typeof checks>, id: string) => list.find((c) => c.id === id)?.verdict;

describe('process-tree migration preflight', () => {
  it('passes two root logins with the same CRIU', () => {
    const list = checks(facts(), facts({ alive: false, comm: '', rss: 0 }));
    expect(list.filter((c) => c.verdict === 'fail')).toEqual([]);
  });

  it('refuses a login that is not root on either side, with the reason and what to do', () => {
    const dst = checks(facts(), facts({ caller: 'stasisop' })).find((c) => c.id === 'received-restore');
    expect(dst).toMatchObject({ verdict: 'fail' });
    expect(dst?.detail).toMatch(/only by root.*stasisop/);
    expect(dst?.fix).toMatch(/as root/);
    expect(verdict(checks(facts({ caller: '1000' }), facts()), 'received-restore')).toBe('fail');
  });

  it('fails a tree that does not run, an older destination CRIU, a failing criu check and a full disk', () => {
    expect(verdict(checks(facts({ alive: false }), facts()), 'state')).toBe('fail');
    expect(verdict(checks(facts(), facts({ criu: '3.17' })), 'criu')).toBe('fail');
    expect(verdict(checks(facts(), facts({ criuCheck: false })), 'runtime')).toBe('fail');
    expect(verdict(checks(facts(), facts({ diskFree: 1024 })), 'disk')).toBe('fail');
  });

  it('auto chooses lazy for a large tree when both hosts can, stop-and-copy otherwise, and says why', () => {
    const big = chooseTreeStrategy('auto', facts({ rss: 256 * 1024 * 1024 }), facts());
    expect(big).toMatchObject({ strategy: 'lazy', check: { verdict: 'ok' } });
    expect(big.reason).toMatch(/auto chose lazy \(post-copy\) for 256 MiB/);
    const small = chooseTreeStrategy('auto', facts({ rss: 8 * 1024 * 1024 }), facts());
    expect(small.strategy).toBe('stop-and-copy');
    expect(small.reason).toMatch(/only 8 MiB.*keeps a checkpoint/);
    const noUffd = chooseTreeStrategy('auto', facts({ rss: 256 * 1024 * 1024 }), facts({ lazyPages: false }));
    expect(noUffd.strategy).toBe('stop-and-copy');
    expect(noUffd.reason).toMatch(/userfaultfd/);
  });

  it('lazy when asked is taken where both hosts can, refused with the reason where not; pre-copy is refused', () => {
    expect(chooseTreeStrategy('lazy', facts(), facts())).toMatchObject({ strategy: 'lazy', check: { verdict: 'ok' } });
    expect(chooseTreeStrategy('lazy', facts(), facts({ pipeMaxSize: 65536 })).check.verdict).toBe('fail');
    expect(chooseTreeStrategy('lazy', facts(), facts({ pipeMaxSize: 65536 })).reason).toMatch(/pipe-max-size/);
    expect(chooseTreeStrategy('stop-and-copy', facts({ rss: 1 << 30 }), facts()).strategy).toBe('stop-and-copy');
    expect(chooseTreeStrategy('pre-copy', facts(), facts()).reason).toMatch(/soft-dirty/);
  });
});
