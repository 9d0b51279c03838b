import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HostStore } from './host-store';
import { parseHelperVersion, shippedHelper } from './helper-source';

describe('hosts.json', () => {
  it('round-trips hand-added hosts with private permissions', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stasis-hs-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'sub', 'hosts.json');
    const store = new HostStore(file);
    expect(await store.read()).toEqual({ version: 1, hosts: [], hidden: [] });
    await store.update((d) => ({ ...d, hosts: [{ id: 'box', hostName: '10.0.0.5', user: 'me', port: 2200 }], hidden: ['old'] }));
    expect((await store.read()).hosts[0]).toEqual({ id: 'box', hostName: '10.0.0.5', user: 'me', port: 2200 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toMatch(/password|passphrase/i);
  });
});

describe('shipped helper', () => {
  it('carries a version stamp the app can read', () => {
    expect(parseHelperVersion("x\nSTASIS_HELPER_VERSION='2.1.0'\n")).toBe('2.1.0');
    expect(shippedHelper().version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
