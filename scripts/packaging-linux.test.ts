// What a deb/rpm install does, checked as far as this machine allows without the Electron binary (so without
// `electron-builder --dir`): the polkit policy against its DTD, the desktop entry electron-builder would write,
// and the after-install script, run for real in a private mount namespace over a throwaway copy of /usr and /opt.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { inCI } from '../test-support/system';

interface BuilderConfig {
  productName: string;
  linux: { category: string; executableName: string; description: string; desktop: { entry: Record<string, string> } };
  deb: { afterInstall: string; fpm: string[] };
}
const config = parse(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
const POLICY = 'assets/polkit/org.stasis.helper.policy';
const POLICY_DTD = '/usr/share/polkit-1/policyconfig-1.dtd';
const dir = mkdtempSync(path.join(tmpdir(), 'stasis-packaging-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
/** A check that needs a tool: skipped with the reason on a laptop, failed under CI (ci/provision.sh installs it). */
function needs(what: string, ok: boolean): { skip: boolean } {
  if (!ok && !inCI) console.warn(`[skipped] packaging: ${what} missing (apt-get install it, or let CI run this)`);
  return { skip: !ok && !inCI };
}

/** The packaged helper's path: the policy action that is not "Set up this computer"'s /usr/local one. */
function policyHelperPath(): string {
  const policy = readFileSync(POLICY, 'utf8');
  const paths = [...policy.matchAll(/<annotate key="org\.freedesktop\.policykit\.exec\.path">([^<]+)<\/annotate>/g)].map((m) => m[1]!);
  const packaged = paths.filter((p) => !p.startsWith('/usr/local/'));
  expect(packaged).toHaveLength(1);
  return packaged[0]!;
}

/** The .desktop file electron-builder writes for linux.desktop.entry (its fixed keys, then ours). */
function desktopEntry(c: BuilderConfig): string {
  const entry: Record<string, string> = {
    Name: c.productName,
    Exec: `/opt/${c.productName}/${c.linux.executableName} %U`,
    Terminal: 'false',
    Type: 'Application',
    Icon: c.linux.executableName,
    StartupWMClass: c.productName,
    Comment: c.linux.description,
    Categories: `${c.linux.category};`,
    ...c.linux.desktop.entry,
  };
  return `[Desktop Entry]\n${Object.entries(entry).map(([k, v]) => `${k}=${v.replace(/\s*\n\s*/g, ' ')}`).join('\n')}\n`;
}

describe('Linux packaging', () => {
  it.skipIf(needs('xmllint (libxml2-utils) or polkit DTD', has('xmllint') && spawnSync('test', ['-f', POLICY_DTD]).status === 0).skip)(
    'the polkit policy validates against polkit’s DTD',
    () => {
      const r = spawnSync('xmllint', ['--noout', '--nonet', '--dtdvalid', POLICY_DTD, POLICY], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      // A broken copy fails: the check is not a no-op.
      const bad = path.join(dir, 'bad.policy');
      writeFileSync(bad, readFileSync(POLICY, 'utf8').replace('<defaults>', '<defaults><bogus/>'));
      expect(spawnSync('xmllint', ['--noout', '--nonet', '--dtdvalid', POLICY_DTD, bad]).status).not.toBe(0);
    },
  );

  it.skipIf(needs('desktop-file-validate (desktop-file-utils)', has('desktop-file-validate')).skip)(
    'the desktop entry from electron-builder.yml validates',
    () => {
      const file = path.join(dir, 'stasis.desktop');
      writeFileSync(file, desktopEntry(config));
      const r = spawnSync('desktop-file-validate', [file], { encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout + r.stderr, 'no errors or warnings').not.toMatch(/error|warning/i);
      const bad = path.join(dir, 'bad.desktop');
      writeFileSync(bad, desktopEntry({ ...config, linux: { ...config.linux, category: 'NotACategory' } }));
      expect(spawnSync('desktop-file-validate', [bad]).status).not.toBe(0);
    },
  );

  it.skipIf(needs('shellcheck', has('shellcheck')).skip)('the after-install script is shellcheck-clean, as written and as packaged', () => {
    const r = spawnSync('shellcheck', ['-s', 'sh', config.deb.afterInstall], { encoding: 'utf8' });
    expect(r.status, r.stdout).toBe(0);
    const filled = path.join(dir, 'after-install.sh');
    writeFileSync(filled, filledScript());
    const f = spawnSync('shellcheck', ['-s', 'sh', filled], { encoding: 'utf8' });
    expect(f.status, f.stdout).toBe(0);
  });

  const canNamespace = process.getuid?.() === 0 && has('unshare') && spawnSync('unshare', ['-m', 'true']).status === 0;
  it.skipIf(needs('root and unshare (a private mount namespace)', canNamespace).skip)(
    'the after-install script leaves the helper root-owned 0755 at the path the policy names',
    () => {
      const helper = policyHelperPath();
      expect(config.deb.fpm).toContain(`electron/helper/stasis-helper.sh=${helper}`);
      // Overlays over /usr/bin, /usr/libexec and /opt: the script writes into the upper dirs, the machine is untouched.
      const layers = { '/usr/bin': 'bin', '/usr/libexec': 'libexec', '/opt': 'opt' };
      for (const name of Object.values(layers)) for (const d of ['up', 'work']) mkdirSync(path.join(dir, name, d), { recursive: true });
      // What the package unpacked before the script runs: the app, and the helper as an unprivileged file would be.
      const app = path.join(dir, 'opt', 'up', config.productName);
      mkdirSync(app, { recursive: true });
      writeFileSync(path.join(app, config.linux.executableName), '#!/bin/sh\n', { mode: 0o755 });
      writeFileSync(path.join(app, 'chrome-sandbox'), '', { mode: 0o755 });
      const staged = path.join(dir, 'libexec', 'up', path.relative('/usr/libexec', helper));
      mkdirSync(path.dirname(staged), { recursive: true });
      writeFileSync(staged, readFileSync('electron/helper/stasis-helper.sh'));
      chownSync(staged, 65534, 65534);
      chmodSync(staged, 0o777);
      const script = path.join(dir, 'after-install.sh');
      writeFileSync(script, filledScript(), { mode: 0o755 });
      const mounts = Object.entries(layers)
        .map(([target, name]) => `mount -t overlay overlay -o lowerdir=${target},upperdir=${dir}/${name}/up,workdir=${dir}/${name}/work ${target}`)
        .join(' && ');
      execFileSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `${mounts} && sh -e ${script}`], { stdio: 'pipe' });
      const st = statSync(staged);
      expect({ mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }).toEqual({ mode: 0o755, uid: 0, gid: 0 });
      expect(statSync(path.join(app, 'chrome-sandbox')).mode & 0o7777).toBe(0o4755);
      const link = path.join(dir, 'bin', 'up', config.linux.executableName);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(`/opt/${config.productName}/${config.linux.executableName}`);
    },
  );
});

/** The script as electron-builder packages it: its placeholders filled in. */
function filledScript(): string {
  return readFileSync(config.deb.afterInstall, 'utf8')
    .replaceAll('${sanitizedProductName}', config.productName)
    .replaceAll('${executable}', config.linux.executableName);
}
