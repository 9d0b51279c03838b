import { describe, expect, it } from 'vitest';
import type { Exec, ExecResult } from './exec';
import { parseCriuVersion, probeHost } from './host-probe';

// The real machine is probed by the system tests (electron/cli/cli.system.test.ts). These scripted hosts cover
// what this machine cannot show: broken, missing and misconfigured tools.
type Script = Record<string, Partial<ExecResult>>;

function scripted(script: Script): Exec {
  return async (argv) => {
    const key = argv.join(' ');
    const hit = Object.entries(script).find(([k]) => key === k || key.startsWith(`${k} `));
    return hit ? { code: 0, stdout: '', stderr: '', ...hit[1] } : { code: null, stdout: '', stderr: 'not found', notFound: true };
  };
}

const base: Script = {
  'uname -rm': { stdout: '6.1.0 x86_64\n' },
  hostname: { stdout: 'box\n' },
  'id -u': { stdout: '0\n' },
  'criu --version': { stdout: 'Version: 4.1.1\n' },
  'criu check': { stdout: 'Looks good.\n' },
};

describe('probeHost', () => {
  it('reports CRIU older than 4 with what to do', async () => {
    const caps = await probeHost(scripted({ ...base, 'criu --version': { stdout: 'Version: 3.17.1\n' }, 'criu check': { code: 1, stdout: '', stderr: 'Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\n' } }));
    expect(caps.criu).toMatchObject({ found: true, version: '3.17.1', checkPassed: false });
    expect(caps.criu.problem).toMatch(/too old.*CRIU 4/);
    expect(caps.criu.check).toMatch(/vDSO/);
  });

  it('says how to fix a crun without CRIU, and a Docker daemon without experimental mode', async () => {
    const caps = await probeHost(
      scripted({
        ...base,
        'podman version': { stdout: '4.3.1\n' },
        'podman info': { stdout: 'crun\n' },
        'crun --version': { stdout: 'crun version 1.8.1\n+SYSTEMD +SELINUX +CAP +SECCOMP +EBPF +YAJL\n' },
        'docker version': { stdout: '20.10.24 false\n' },
      }),
    );
    expect(caps.podman).toMatchObject({ found: true, runtime: 'crun', canCheckpoint: false });
    expect(caps.podman.problem).toMatch(/runc/);
    expect(caps.docker).toMatchObject({ found: true, version: '20.10.24', canCheckpoint: false });
    expect(caps.docker.problem).toMatch(/experimental/);
  });

  it('accepts a crun built with CRIU', async () => {
    const caps = await probeHost(scripted({ ...base, 'podman version': { stdout: '5.0.0\n' }, 'podman info': { stdout: 'crun\n' }, 'crun --version': { stdout: 'crun 1.14\n+CRIU +SYSTEMD\n' } }));
    expect(caps.podman).toMatchObject({ canCheckpoint: true });
    expect(caps.podman.problem).toBeUndefined();
  });

  it('reports missing tools and an unprivileged user without a way to elevate', async () => {
    const caps = await probeHost(scripted({ 'uname -rm': { stdout: '6.1.0 aarch64\n' }, hostname: { stdout: 'x\n' }, 'id -u': { stdout: '1000\n' }, 'sudo -n true': { code: 1 }, 'pkexec --version': { code: null, notFound: true } }));
    expect(caps.criu).toMatchObject({ found: false, checkPassed: false });
    expect(caps.podman).toMatchObject({ found: false, canCheckpoint: false });
    expect(caps.docker).toMatchObject({ found: false, canCheckpoint: false });
    expect(caps.elevation).toBe('none');
    expect(caps.elevationNote).toMatch(/pkexec|sudo/);
  });

  it('reports a Docker daemon that is not running', async () => {
    const caps = await probeHost(scripted({ ...base, 'docker version': { code: 1, stdout: ' \n', stderr: 'Cannot connect to the Docker daemon' } }));
    expect(caps.docker).toMatchObject({ found: true, canCheckpoint: false });
    expect(caps.docker.problem).toMatch(/not running/);
  });
});

describe('parseCriuVersion', () => {
  it('reads the version line', () => {
    expect(parseCriuVersion('Version: 4.1.1\nGitID: v4.1.1\n')).toBe('4.1.1');
    expect(parseCriuVersion('garbage')).toBeUndefined();
  });
});
