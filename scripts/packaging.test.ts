import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INSTALLED_HELPER, PACKAGED_HELPER } from '../electron/services/helper-source';

// Packages cannot be built here (no Electron binary download), so check what can be: the config parses and
// every file it names exists.
interface BuilderConfig {
  appId: string;
  files: string[];
  extraResources: { from: string; to: string }[];
  linux: { target: string[]; icon: string; desktop: { entry: Record<string, string> } };
  deb: { fpm: string[]; afterInstall: string };
  rpm: { fpm: string[]; afterInstall: string };
}

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it('builds AppImage, deb and rpm', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.linux.target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.linux.desktop.entry['Name']).toBe('Stasis');
  });

  it('names only files that exist', () => {
    const paths = [
      ...config.extraResources.map((r) => r.from),
      ...config.deb.fpm.map((m) => m.split('=')[0]!),
      ...config.rpm.fpm.map((m) => m.split('=')[0]!),
      config.deb.afterInstall,
      config.rpm.afterInstall,
    ];
    for (const p of paths) expect(existsSync(p), p).toBe(true);
    expect(statSync(config.deb.afterInstall).mode & 0o111).not.toBe(0);
  });

  it('has the icon sizes Linux desktops look for, from one SVG source', () => {
    expect(existsSync('assets/icon.svg')).toBe(true);
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      const png = readFileSync(`${config.linux.icon}/${size}x${size}.png`);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(size);
      expect(png.readUInt32BE(20)).toBe(size);
    }
  });

  it('points package.json main at the built Electron entry', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string; bin: Record<string, string> };
    expect(pkg.main).toBe('dist/electron/main.cjs');
    expect(existsSync(pkg.bin['stasis']!)).toBe(true);
  });

  it('installs the helper where the app and the polkit policy look for it', () => {
    const policy = readFileSync('assets/polkit/org.stasis.helper.policy', 'utf8');
    const paths = [...policy.matchAll(/<annotate key="org\.freedesktop\.policykit\.exec\.path">([^<]+)<\/annotate>/g)].map((m) => m[1]);
    expect(paths.sort()).toEqual([INSTALLED_HELPER, PACKAGED_HELPER].sort());
    for (const mappings of [config.deb.fpm, config.rpm.fpm]) {
      expect(mappings).toContain(`electron/helper/stasis-helper.sh=${PACKAGED_HELPER}`);
      expect(mappings.some((m) => m.endsWith('=/usr/share/polkit-1/actions/org.stasis.helper.policy'))).toBe(true);
    }
  });
});
