import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

/** What a system test needs from the machine. */
export type Requirement = 'root' | 'criu' | 'podman' | 'docker' | 'ssh-hosts' | 'crit' | 'checkpointctl' | 'chromium';

export const SSH_HOSTS_DIR = process.env['STASIS_TEST_HOSTS'] ?? '/srv/stasis-hosts';

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

const checks: Record<Requirement, () => string | undefined> = {
  root: () => (process.getuid?.() === 0 ? undefined : 'not running as root'),
  criu: () => {
    try {
      const v = execFileSync('criu', ['--version'], { encoding: 'utf8', timeout: 10_000 });
      const major = Number(/Version:\s*(\d+)/.exec(v)?.[1] ?? 0);
      return major >= 4 ? undefined : `CRIU 4 or newer is needed (found ${v.trim().split('\n')[0]})`;
    } catch {
      return 'CRIU is not installed (run: sudo bash ci/provision.sh)';
    }
  },
  podman: () => (works('podman', ['info']) ? undefined : 'podman is not installed or not working'),
  docker: () => (works('docker', ['info']) ? undefined : 'no Docker daemon is running (ci/provision.sh starts one)'),
  'ssh-hosts': () => (existsSync(`${SSH_HOSTS_DIR}/ssh_config`) ? undefined : `no SSH test hosts in ${SSH_HOSTS_DIR} (run: sudo bash ci/ssh-hosts.sh up)`),
  crit: () => (works('crit4', ['--help']) ? undefined : 'crit4 (Debian 13 crit) is not installed'),
  checkpointctl: () => (works('checkpointctl', ['version']) ? undefined : 'checkpointctl is not installed'),
  chromium: () => (existsSync('/usr/bin/chromium') ? undefined : 'Debian chromium is not installed (/usr/bin/chromium)'),
};

const cache = new Map<Requirement, string | undefined>();

/** Why these requirements are not met here, or undefined when they are. */
export function missing(needs: Requirement[]): string | undefined {
  const reasons: string[] = [];
  for (const n of needs) {
    if (!cache.has(n)) cache.set(n, checks[n]());
    const r = cache.get(n);
    if (r) reasons.push(r);
  }
  return reasons.length ? reasons.join('; ') : undefined;
}

export const inCI = Boolean(process.env['CI']);

/**
 * A describe block for tests that drive the real machine. Where a requirement is missing it is skipped with
 * the reason on a laptop — but under CI it fails, because a green run that skipped system tests proves nothing.
 */
export function describeSystem(name: string, needs: Requirement[], body: () => void): void {
  const reason = missing(needs);
  if (!reason) {
    describe(name, body);
    return;
  }
  if (inCI) {
    describe(name, () => {
      it('has what it needs on this machine', () => {
        throw new Error(`system test cannot run under CI: ${reason}`);
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: ${reason}`);
  describe.skipIf(true)(`${name} (skipped: ${reason})`, body);
}
