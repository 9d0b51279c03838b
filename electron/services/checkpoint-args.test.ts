import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckpointOptions, RestoreOptions } from '../../shared/domain/checkpoint';
import { CHECKPOINT_OPTIONS, RESTORE_OPTIONS, base64Utf8, optionsFor, type OptionSpec } from '../../shared/domain/checkpoint-options';
import type { Runtime } from '../../shared/domain/container';
import { ContainerRef } from '../../shared/domain/container';
import { checkpointArgs, restoreArgs } from './checkpoint-args';
import { shellQuote } from './command-runner';
import { parseHelperPs } from './container-list';

describe('checkpoint and restore options', () => {
  it('map every podman option to the helper flag', () => {
    expect(
      checkpointArgs('podman', { leaveRunning: true, tcpEstablished: true, fileLocks: true, ignoreRootfs: true, ignoreVolumes: true, keep: true, compression: 'zstd', keepLast: 3, note: 'hé' }, 'op-12345678'),
    ).toEqual(['--leave-running', '--tcp-established', '--file-locks', '--ignore-rootfs', '--ignore-volumes', '--keep', '--compress=zstd', `--note-b64=${Buffer.from('hé').toString('base64')}`, '--op=op-12345678']);
    expect(restoreArgs({ name: 'new', keep: true, tcpEstablished: true, ignoreStaticIp: true, ignoreStaticMac: true, publish: ['8080:80/tcp'], pod: 'p' })).toEqual([
      '--name=new', '--keep', '--tcp-established', '--ignore-static-ip', '--ignore-static-mac', '--publish=8080:80/tcp', '--pod=p',
    ]);
  });

  it('applies one set of defaults (leave running; zstd for podman) and keeps retention out of the helper', () => {
    expect(checkpointArgs('podman', {})).toEqual(['--leave-running', '--compress=zstd']);
    expect(checkpointArgs('podman', { compression: 'none', leaveRunning: false })).toEqual(['--compress=none']);
    expect(checkpointArgs('docker', {})).toEqual(['--leave-running']);
    expect(checkpointArgs('process', { keepLast: 2, leaveRunning: false })).toEqual([]);
  });

  it('encodes notes as UTF-8 base64 the way Node does', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'hé', '€ sign', '😀 emoji', 'x'.repeat(1024)]) expect(base64Utf8(s)).toBe(Buffer.from(s, 'utf8').toString('base64'));
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

/** The flags a helper function's `case $a in` arms accept, e.g. "--leave-running", "--name=*", "--compress=zstd". */
function helperArms(fn: string): Set<string> {
  const text = readFileSync('electron/helper/stasis-helper.sh', 'utf8');
  const start = text.indexOf(`\n${fn}() {`);
  expect(start, `${fn} in the helper`).toBeGreaterThan(0);
  const body = text.slice(start, text.indexOf('\n}\n', start));
  const arms = new Set<string>();
  for (const line of body.split('\n')) {
    const m = /^\s*((?:--[a-z0-9=*-]+\s*\|\s*)*--[a-z0-9=*-]+)\)/.exec(line);
    if (m) for (const f of m[1]!.split('|')) arms.add(f.trim());
  }
  return arms;
}

/** What the table sends the helper for each option a runtime honours, values generalised to "=*". */
function tableFlags(table: Record<string, OptionSpec>, runtime: Runtime): Set<string> {
  const sample: Record<string, unknown> = { flag: true, text: 'ck-20260101000000-abcdef12', list: ['8080:80'], count: 3 };
  const out = new Set<string>();
  for (const [, o] of optionsFor(table, runtime)) {
    if (!o.helper) continue;
    const values = o.kind === 'choice' ? (o.schema as unknown as { options: string[] }).options : [sample[o.kind]];
    for (const v of values) for (const a of (o.helper as (v: unknown) => string[])(v)) out.add(o.kind === 'choice' ? a : a.replace(/=.*/, '=*'));
  }
  return out;
}

describe('the options table against the helper', () => {
  // Protocol arguments that are not user options: the operation id and the left-out record.
  const protocol = new Set(['--op=*', '--left-out=*']);
  const cases: [string, Record<string, OptionSpec>, Runtime][] = [
    ['podman_ckpt_opts', CHECKPOINT_OPTIONS, 'podman'],
    ['ckpt_docker', CHECKPOINT_OPTIONS, 'docker'],
    ['ckpt_process', CHECKPOINT_OPTIONS, 'process'],
    ['restore_podman', RESTORE_OPTIONS, 'podman'],
    ['restore_docker', RESTORE_OPTIONS, 'docker'],
    ['restore_process', RESTORE_OPTIONS, 'process'],
  ];
  for (const [fn, table, runtime] of cases) {
    it(`${fn}: the helper accepts exactly what the table sends for ${runtime}`, () => {
      const arms = [...helperArms(fn)].filter((a) => !protocol.has(a)).sort();
      expect([...tableFlags(table, runtime)].sort()).toEqual(arms);
    });
  }
});
