import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Checkpoint } from '../../shared/domain/checkpoint';
import type { InspectReport } from '../../shared/inspect/report';
import { deleteStoredCheckpoints } from '../../test-support/cleanup';
import { describeSystem } from '../../test-support/system';

// `stasis inspect|diff|mem HOST CHECKPOINT_ID…`: a checkpoint in the local store, read as the app's Look inside does.
const stasis = (...args: string[]) => spawnSync(process.execPath, ['bin/stasis.mjs', ...args], { encoding: 'utf8', timeout: 180_000 });
const NAME = `stasis-test-stored-cli-${process.pid}`;
const MARK = `stored-mark-${process.pid}`;

describeSystem('stasis inspect / diff / mem on stored checkpoints', ['root', 'criu', 'podman'], () => {
  const ids: string[] = [];

  beforeAll(() => {
    execFileSync('podman', ['run', '-d', '--name', NAME, '--network', 'none', '-e', `MARK=${MARK}`, 'localhost/stasis-busybox:latest', 'sh', '-c', 'exec 7>/tmp/held; sleep 100000']);
    for (let i = 0; i < 2; i++) {
      const ck = stasis('checkpoint', 'local', NAME, '--leave-running', '--json');
      expect(ck.status, ck.stderr).toBe(0);
      ids.push((JSON.parse(ck.stdout) as Checkpoint).id);
    }
  }, 300_000);

  afterAll(() => {
    spawnSync('podman', ['rm', '-f', '-t', '0', NAME]);
    deleteStoredCheckpoints((c) => c.container.name === NAME);
  });

  it('inspects a stored checkpoint by host and id, as JSON and as text', () => {
    const r = stasis('inspect', 'local', ids[0]!, '--json');
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as InspectReport;
    expect(report.source.path).toBe(`local:${ids[0]}`);
    const sh = report.processes.find((p) => p.comm === 'sh' || p.comm === 'sleep');
    expect(sh?.fds.some((f) => f.path === '/tmp/held')).toBe(true);
    const text = stasis('inspect', 'local', ids[0]!);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('/tmp/held');
  });

  it('diffs two stored checkpoints and searches stored memory', () => {
    const d = stasis('diff', 'local', ids[0]!, ids[1]!, '--json');
    expect(d.status, d.stderr).toBe(0);
    expect(JSON.parse(d.stdout)).toHaveProperty('processes');
    const report = JSON.parse(stasis('inspect', 'local', ids[0]!, '--json').stdout) as InspectReport;
    const pid = report.processes[0]!.pid;
    const m = stasis('mem', 'local', ids[0]!, '--pid', String(pid), '--search', MARK, '--json');
    expect(m.status, m.stderr).toBe(0);
    expect((JSON.parse(m.stdout) as { matches: unknown[] }).matches.length).toBeGreaterThan(0);
    const bad = stasis('inspect', 'local', 'ck-no-such-checkpoint');
    expect(bad.status).toBe(1);
  });
});
