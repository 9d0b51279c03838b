import { execFileSync } from 'node:child_process';
import { INSTALLED_HELPER } from '../electron/services/helper-source';

/**
 * Before the system and end-to-end tests: put this checkout's helper where "Set up this host" puts it (the test
 * hosts share this machine's /usr/local), so every test talks to the helper it was written against. The set-up
 * flow itself is tested in electron/services/ssh/ssh-setup.system.test.ts.
 */
export default function installHelper(): void {
  if (process.getuid?.() !== 0) return;
  execFileSync('install', ['-D', '-m', '0755', '-o', 'root', '-g', 'root', 'electron/helper/stasis-helper.sh', `${INSTALLED_HELPER}.new`]);
  // Renamed into place: a helper another process is running is never rewritten under it.
  execFileSync('mv', ['-f', `${INSTALLED_HELPER}.new`, INSTALLED_HELPER]);
}
