import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeSystem } from '../../test-support/system';
import type { HostSummary } from '../../shared/domain/host';

// The built CLI exactly as a user runs it after `npm install` (npm test builds first).
const stasis = (...args: string[]) => spawnSync(process.execPath, ['bin/stasis.mjs', ...args], { encoding: 'utf8', timeout: 120_000 });
const serve = (...args: string[]) => spawnSync(process.execPath, ['dist/node/serve.mjs', ...args], { encoding: 'utf8', timeout: 20_000 });
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describeSystem('stasis CLI on this computer', ['root', 'criu', 'podman'], () => {
  it('prints its version', () => {
    const r = stasis('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('hosts --json shows this computer with its detected capabilities', () => {
    const r = stasis('hosts', '--json');
    expect(r.status, r.stderr).toBe(0);
    const hosts = JSON.parse(r.stdout) as HostSummary[];
    const local = hosts[0]!;
    if (!local.capabilities) throw new Error(`no capabilities: ${r.stdout}`);
    expect(local).toMatchObject({ id: 'local', name: 'This computer', kind: 'local', status: 'ok' });
    const criu = /Version:\s*(\S+)/.exec(execFileSync('criu', ['--version'], { encoding: 'utf8' }))![1];
    const caps = local.capabilities;
    expect(caps.criu).toMatchObject({ found: true, version: criu, checkPassed: true, check: 'Looks good.' });
    expect(caps.podman).toMatchObject({ found: true, runtime: 'runc', canCheckpoint: true });
    expect(caps.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(caps.elevation).toBe('root');
  });

  it('refuses unknown commands and bad flags with exit 1 and one reason', () => {
    const unknown = stasis('frobnicate');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const bad = stasis('hosts', '--nope');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^stasis hosts: .*--nope/);
  });
});

describeSystem('npm run serve arguments', ['root'], () => {
  it('refuses a non-loopback address without --allow-remote, and a bad port', () => {
    const remote = serve('--host', '0.0.0.0', '--port', '0', '--no-open');
    expect(remote.status).toBe(1);
    expect(remote.stderr).toMatch(/--allow-remote/);
    const port = serve('--port', 'abc', '--no-open');
    expect(port.status).toBe(1);
    expect(port.stderr).toMatch(/--port must be/);
  });
});
