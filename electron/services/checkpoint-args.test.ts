import { describe, expect, it } from 'vitest';
import { CheckpointOptions, RestoreOptions } from '../../shared/domain/checkpoint';
import { ContainerRef } from '../../shared/domain/container';
import { checkpointArgs, restoreArgs } from './checkpoint-args';
import { shellQuote } from './command-runner';
import { parseHelperPs } from './container-list';

describe('checkpoint and restore options', () => {
  it('map every podman option to the helper flag', () => {
    expect(
      checkpointArgs('podman', { leaveRunning: true, tcpEstablished: true, fileLocks: true, ignoreRootfs: true, ignoreVolumes: true, keep: true, compression: 'zstd', keepLast: 3, note: 'hé' }, 'op-12345678'),
    ).toEqual(['--leave-running', '--tcp-established', '--file-locks', '--ignore-rootfs', '--ignore-volumes', '--keep', '--compress=zstd', '--keep-last=3', `--note-b64=${Buffer.from('hé').toString('base64')}`, '--op=op-12345678']);
    expect(restoreArgs({ name: 'new', keep: true, tcpEstablished: true, ignoreStaticIp: true, ignoreStaticMac: true, publish: ['8080:80/tcp'], pod: 'p' })).toEqual([
      '--name=new', '--keep', '--tcp-established', '--ignore-static-ip', '--ignore-static-mac', '--publish=8080:80/tcp', '--pod=p',
    ]);
  });

  it('refuses options a runtime cannot honour', () => {
    expect(() => checkpointArgs('docker', { compression: 'gzip' })).toThrow(/do not support: compression/);
    expect(() => checkpointArgs('process', { ignoreRootfs: true })).toThrow(/not support/);
    expect(checkpointArgs('docker', { leaveRunning: true })).toEqual(['--leave-running']);
  });

  it('rejects hostile names at the contract', () => {
    for (const bad of ['a;b', '$(x)', "a'b", 'a\nb', '../x', '-rf', 'a'.repeat(200)]) expect(ContainerRef.safeParse(bad).success).toBe(false);
    expect(RestoreOptions.safeParse({ name: 'x y' }).success).toBe(false);
    expect(RestoreOptions.safeParse({ publish: ['1;2'] }).success).toBe(false);
    expect(CheckpointOptions.safeParse({ withPrevious: 'ck-../../x' }).success).toBe(false);
    expect(CheckpointOptions.safeParse({ bogus: true }).success).toBe(false);
  });

  it('quotes an argv for an SSH exec request', () => {
    expect(shellQuote(['sudo', '-n', '/usr/x', "it's", 'a b', '--note-b64=aGk='])).toBe(`sudo -n /usr/x 'it'\\''s' 'a b' --note-b64=aGk=`);
  });
});

describe('container list', () => {
  it('merges podman JSON and docker JSON lines into one list', () => {
    const list = parseHelperPs('h', {
      podman: [{ Id: 'abc', Names: ['web'], State: 'running', Image: 'img' }],
      docker: [{ ID: 'def', Names: 'db,alias', Status: 'Up 3 minutes', Image: 'busybox' }, { ID: 'ghi', Names: 'old', State: 'exited' }],
      dockerError: '',
    });
    expect(list).toEqual([
      { host: 'h', runtime: 'podman', id: 'abc', name: 'web', state: 'running', image: 'img' },
      { host: 'h', runtime: 'docker', id: 'def', name: 'db', state: 'running', image: 'busybox', status: 'Up 3 minutes' },
      { host: 'h', runtime: 'docker', id: 'ghi', name: 'old', state: 'exited' },
    ]);
    expect(parseHelperPs('h', { podman: 'garbage', docker: [] })).toEqual([]);
  });
});
