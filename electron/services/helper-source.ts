import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StasisError } from '../../shared/api/errors';

/** Where "Set up this host" installs the helper; the sudoers drop-in and polkit policy name this path. */
export const INSTALLED_HELPER = '/usr/local/libexec/stasis/stasis-helper';
/** Where the deb/rpm packages put it. */
export const PACKAGED_HELPER = '/usr/libexec/stasis/stasis-helper';

const REL = path.join('electron', 'helper', 'stasis-helper.sh');

/** The helper file this build ships: beside the sources in development, under resources/ when packaged. */
export function shippedHelperPath(): string {
  const env = process.env['STASIS_HELPER_SOURCE'];
  if (env) return env;
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const candidates: string[] = [];
  if (resources) candidates.push(path.join(resources, 'helper', 'stasis-helper'));
  // Bundled (dist/node/cli.mjs) or from sources (electron/services/*.ts): walk up to the repo root.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    candidates.push(path.join(dir, REL));
    dir = path.dirname(dir);
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new StasisError('internal', 'This Stasis build does not include its helper (stasis-helper.sh). Reinstall Stasis.');
  return found;
}

/** Reads the `STASIS_HELPER_VERSION='x'` stamp from helper text. */
export function parseHelperVersion(text: string): string | undefined {
  return /^STASIS_HELPER_VERSION='([^']+)'$/m.exec(text)?.[1];
}

let cached: { text: string; version: string } | undefined;

export function shippedHelper(): { path: string; text: string; version: string } {
  const p = shippedHelperPath();
  if (!cached) {
    const text = readFileSync(p, 'utf8');
    const version = parseHelperVersion(text);
    if (!version) throw new StasisError('internal', 'The shipped helper has no version stamp. Reinstall Stasis.');
    cached = { text, version };
  }
  return { path: p, ...cached };
}
