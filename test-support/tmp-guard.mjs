// Test runs leave nothing in the temp folder. A snapshot of our names there when a run starts; whatever of ours
// is new at its end is named. Ours: stasis-* (every temp dir the tests, benches and the app make) and
// ctrd-checkpoint* (containerd's copy of a Docker checkpoint on restore, which the Docker system test removes).
// Another run on the same machine can make such names meanwhile: locally this warns; under CI, where the machine
// is the run's own, scripts/test.mjs fails the layer.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const OURS = /^(stasis-|ctrd-checkpoint)/;

function ours() {
  try {
    return readdirSync(tmpdir()).filter((n) => OURS.test(n));
  } catch {
    return [];
  }
}

/** Our names in the temp folder now. */
export function snapshotTmp() {
  return new Set(ours());
}

/** Full paths of ours that are there now and were not in `before`. */
export function leftInTmp(before) {
  return ours()
    .filter((n) => !before.has(n))
    .sort()
    .map((n) => path.join(tmpdir(), n));
}

/**
 * As a vitest or Playwright global setup: warns at the end of a run started directly (`npx vitest`,
 * `npx playwright test`). Once per process (vitest runs it per project); not at all under `npm test`, which
 * checks each layer itself and sets STASIS_TMP_GUARD.
 */
export default function tmpGuard() {
  if (process.env.STASIS_TMP_GUARD) return undefined;
  process.env.STASIS_TMP_GUARD = 'runner';
  const before = snapshotTmp();
  return () => {
    const left = leftInTmp(before);
    if (left.length) console.warn(`\n[tmp-guard] this run left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in ${tmpdir()} (or another run on this machine made them):\n${left.map((p) => `  ${p}`).join('\n')}\n`);
  };
}
