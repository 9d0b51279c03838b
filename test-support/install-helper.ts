import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
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
  for (const target of helperInstallPaths()) {
    execFileSync('install', ['-D', '-m', '0755', '-o', 'root', '-g', 'root', 'electron/helper/stasis-helper.sh', `${target}.new`]);
    // Renamed into place: a helper another process is running is never rewritten under it.
    execFileSync('mv', ['-f', `${target}.new`, target]);
  }
}
