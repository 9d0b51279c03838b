import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { INSTALLED_HELPER } from '../electron/services/helper-source';

/** Where ci/ssh-hosts.sh keeps the test hosts; each has its own helper install dir, bound over the install path. */
const HOSTS_BASE = process.env.STASIS_HOSTS_BASE ?? '/srv/stasis-hosts';

/** This machine's install path and each SSH test host's private copy of it (as the host sees it, from outside). */
export function helperInstallPaths(): string[] {
  const paths = [INSTALLED_HELPER];
  if (!existsSync(HOSTS_BASE)) return paths;
  for (const e of readdirSync(HOSTS_BASE, { withFileTypes: true })) {
    const dir = path.join(HOSTS_BASE, e.name, 'libexec-stasis');
    if (e.isDirectory() && existsSync(dir)) paths.push(path.join(dir, path.basename(INSTALLED_HELPER)));
  }
  return paths;
}

/**
 * Before the system and end-to-end tests: put this checkout's helper where "Set up this host" puts it, on this
 * machine and on every SSH test host (each has its own install dir, as a real host would), so every test talks to
 * the helper it was written against. The set-up flow itself is tested in electron/services/ssh/ssh-setup.system.test.ts.
 */
export default function installHelper(): void {
  if (process.getuid?.() !== 0) return;
  allowReceivedRestore(TEST_OPERATOR);
  for (const target of helperInstallPaths()) {
    execFileSync('install', ['-D', '-m', '0755', '-o', 'root', '-g', 'root', 'electron/helper/stasis-helper.sh', `${target}.new`]);
    // Renamed into place: a helper another process is running is never rewritten under it.
    execFileSync('mv', ['-f', `${target}.new`, target]);
  }
}

/** The helper-only user of the SSH test hosts (ci/ssh-hosts.sh), who may run only the helper through sudo. */
export const TEST_OPERATOR = 'stasisop';
/** The helper's root-owned settings; the SSH test hosts share this machine's /etc, so one file serves them all. */
export const HELPER_CONF = '/etc/stasis/helper.conf';

/**
 * Lets `user` restore container checkpoints received from another host (migrations end with one), as a host's
 * administrator would: the line `allow-received-restore USER` in /etc/stasis/helper.conf, root-owned, 0644.
 * Other lines are kept; the file is replaced by rename, so a helper running meanwhile reads the old or the new one.
 */
export function allowReceivedRestore(user: string): void {
  const line = `allow-received-restore ${user}`;
  const old = existsSync(HELPER_CONF) ? readFileSync(HELPER_CONF, 'utf8') : '';
  if (old.split('\n').includes(line)) return;
  execFileSync('install', ['-d', '-m', '0755', '-o', 'root', '-g', 'root', path.dirname(HELPER_CONF)]);
  const text = `${old}${old === '' || old.endsWith('\n') ? '' : '\n'}${line}\n`;
  writeFileSync(`${HELPER_CONF}.new`, text);
  chmodSync(`${HELPER_CONF}.new`, 0o644);
  renameSync(`${HELPER_CONF}.new`, HELPER_CONF);
}
