// What the migration benchmarks share: the SSH test hosts (ci/ssh-hosts.sh) and how their tables print times.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const HOSTS_DIR = process.env['STASIS_TEST_HOSTS'] ?? '/srv/stasis-hosts';
export const CONFIG = path.join(HOSTS_DIR, 'ssh_config');

/** A command on a test host; its trimmed stdout, or an error with its stderr. */
export const ssh = (host: string, ...cmd: string[]): string => {
  const r = spawnSync('ssh', ['-F', CONFIG, host, ...cmd], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`ssh ${host} ${cmd.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const mib = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MiB`;

/** Wall time of a synchronous step, ms. */
export function timed(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}
