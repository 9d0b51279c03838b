import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { HostRegistry } from '../electron/services/host-registry';
import { HostStore } from '../electron/services/host-store';
import { MigrationService } from '../electron/services/migration/migration-service';
import { SSH_HOSTS_DIR } from './system';

/** The ssh config that names the test hosts (stasis-a, stasis-b, stasis-c and their -op logins). */
export const SSH_TEST_CONFIG = path.join(SSH_HOSTS_DIR, 'ssh_config');

/** Runs a command on a test host as root; ssh joins the words into one remote shell line. */
export const sshTo = (host: string, ...cmd: string[]) =>
  spawnSync('ssh', ['-F', SSH_TEST_CONFIG, host, ...cmd], { encoding: 'utf8', timeout: 120_000 });

/** A migration service over the test hosts' ssh config only (no hosts file: nothing written), with fault hooks. */
export function migrationOverTestHosts(faults: { beforeRestore?(ck: string): Promise<void>; lazyPages?(cut: () => void): void }) {
  const hosts = new HostRegistry({
    sshConfigPath: SSH_TEST_CONFIG,
    store: new HostStore('/nonexistent-stasis-test/hosts.json'),
    localSummary: async () => ({ id: 'local', name: 'This computer', kind: 'local', status: 'ok' }) as never,
  });
  const svc = new MigrationService({ helperFor: (id) => hosts.helperFor(id), hostIds: () => hosts.ids(), runnerFor: (id) => hosts.runnerFor(id), faults });
  return { hosts, svc };
}
