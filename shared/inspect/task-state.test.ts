import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '../criu/image';
import { fileLocksOf, ipcObjectsOf } from './ipc-locks';
import { unixName } from './report';
import { pendingSignalsOf, rlimitsOf, seccompChainOf, timersOf } from './task-state';
import { mapsFile, vmaKind, VMA_STATUS_BITS } from './vma-kinds';

// Values below are CRIU's (criu/include/image.h, file-lock.h; Linux's RLIMIT_* order and siginfo_t layout).
// The zdtm corpus system test checks the same against real dumps and crit; these pin each value on its own.

describe('VMA kinds', () => {
  it.each([
    [1 << 1, 'stack'], [1 << 2, 'vsyscall'], [1 << 3, 'vdso'], [1 << 5, 'heap'], [1 << 6, 'file-private'], [1 << 7, 'file-shared'],
    [1 << 8, 'anon-shared'], [1 << 9, 'anon-private'], [1 << 10, 'sysv-shm'], [1 << 11, 'socket'], [1 << 12, 'vvar'], [1 << 13, 'aio'],
    [1 << 14, 'memfd'], [1 << 15, 'shadow-stack'], [1 << 27, 'plugin'], [2 ** 31, 'unsupported'],
  ])('names status bit %i %s', (bit, name) => {
    expect(vmaKind(bit)).toBe(name);
    expect(vmaKind(bit | 1)).toBe(name); // VMA_AREA_REGULAR is not a kind
  });

  it('leaves out the bits CRIU uses only while it works, and says anon for none', () => {
    expect(vmaKind(1 | (1 << 28) | (1 << 29) | (1 << 30))).toBe('anon');
    expect(VMA_STATUS_BITS.map(([b]) => b)).toEqual([...VMA_STATUS_BITS.map(([b]) => b)].sort((a, b) => a - b));
  });

  it('combines bits in bit order: a memfd mapping, an aio ring, a heap', () => {
    expect(vmaKind(1 | (1 << 7) | (1 << 14))).toBe('file-shared,memfd');
    expect(vmaKind(1 | (1 << 8) | (1 << 13))).toBe('anon-shared,aio');
    expect(vmaKind(1 | (1 << 5) | (1 << 9))).toBe('heap,anon-private');
    expect(mapsFile(1 | (1 << 8))).toBe(false);
    expect(mapsFile(1 | (1 << 14))).toBe(true);
  });
});

describe('unix socket names', () => {
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
  it('drops the NUL the kernel keeps after a path, and anything after a NUL', () => {
    expect(unixName(bytes('/tmp/s.sock\0'))).toBe('/tmp/s.sock');
    expect(unixName(bytes('/tmp/s.sock\0\0'))).toBe('/tmp/s.sock');
    expect(unixName(bytes('/tmp/s\0junk'))).toBe('/tmp/s');
    expect(unixName(bytes('rel/sock'))).toBe('rel/sock');
  });

  it('keeps abstract names apart: "@" first, their NULs as "@"', () => {
    expect(unixName(bytes('\0abstract'))).toBe('@abstract');
    expect(unixName(bytes('\0a\0b\0'))).toBe('@a@b@');
    expect(unixName(new Uint8Array())).toBe('');
  });
});

describe('task state from core', () => {
  it('names rlimits in Linux order and shows RLIM_INFINITY as unlimited', () => {
    const tc = { rlimits: { rlimits: [{ cur: '10', max: '18446744073709551615' }, { cur: '0', max: '0' }] } };
    expect(rlimitsOf(tc)).toEqual([{ resource: 'cpu', soft: '10', hard: 'unlimited' }, { resource: 'fsize', soft: '0', hard: '0' }]);
    expect(rlimitsOf({})).toBeUndefined();
  });

  it('shows armed itimers and every POSIX timer', () => {
    const tc = {
      timers: {
        real: { isec: '0', iusec: 100000, vsec: '1', vusec: 5 },
        virt: { isec: '0', iusec: 0, vsec: '0', vusec: 0 },
        posix: [{ it_id: 3, clock_id: 1, si_signo: 12, it_sigev_notify: 0, overrun: 2, vsec: '4', vnsec: 7, isec: '0', insec: 0, notify_thread_id: 9 }],
      },
    };
    expect(timersOf(tc)).toEqual({
      itimers: [{ which: 'real', value: '1.000005', interval: '0.100000' }],
      posix: [{ id: 3, clock: 'monotonic', signal: 12, notify: 'signal', value: '4.000000007', interval: '0.000000000', overrun: 2, thread: 9 }],
    });
    expect(timersOf({ timers: { real: { isec: '0', iusec: 0, vsec: '0', vusec: 0 } } })).toBeUndefined();
  });

  it('follows a seccomp chain through prev, and stops on a loop or a bad index', () => {
    const image = { seccomp_filters: [{ filter: new Uint8Array(16), flags: 0 }, { filter: new Uint8Array(32), prev: 0, flags: 1 }, { filter: new Uint8Array(8), prev: 2 }] };
    expect(seccompChainOf({ seccomp_filter: 1 }, image)).toEqual([{ index: 1, instructions: 4, flags: 1 }, { index: 0, instructions: 2, flags: 0 }]);
    expect(seccompChainOf({ seccomp_filter: 2 }, image)).toEqual([{ index: 2, instructions: 1, flags: 0 }]);
    expect(seccompChainOf({ seccomp_filter: 7 }, image)).toEqual([]);
    expect(seccompChainOf({}, image)).toBeUndefined();
  });

  it('reads the signal number at the start of each queued siginfo', () => {
    const info = (signo: number): Uint8Array => {
      const b = new Uint8Array(128);
      new DataView(b.buffer).setInt32(0, signo, true);
      return b;
    };
    expect(pendingSignalsOf({ signals: [{ siginfo: info(10) }, { siginfo: info(34) }] })).toEqual([{ signal: 10 }, { signal: 34 }]);
    expect(pendingSignalsOf({ signals: [{ siginfo: info(2) }] }, 77)).toEqual([{ signal: 2, thread: 77 }]);
    expect(pendingSignalsOf(undefined)).toEqual([]);
  });
});

describe('file locks and SysV IPC', () => {
  const image = (file: string, entries: Array<Record<string, unknown>>): [string, DecodedImage] => [file, { file, kind: 'X', entries } as unknown as DecodedImage];

  it('names lock kinds and types, leases being broken included', () => {
    const images = new Map([image('filelocks.img', [
      { flag: 1, type: 1, pid: 5, fd: 3, start: '0', len: '10' },
      { flag: 2, type: 0, pid: 5, fd: 4, start: '0', len: '0' },
      { flag: 4, type: 0, pid: 5, fd: 6, start: '5', len: '1' },
      { flag: 8, type: 4 | 1, pid: 6, fd: 7, start: '0', len: '0' },
    ])]);
    expect(fileLocksOf(images).map((l) => `${l.kind} ${l.type}`)).toEqual(['posix write', 'flock read', 'ofd read', 'lease breaking to write']);
  });

  it('lists SysV objects per namespace from ipcns-*-NSID.img', () => {
    const desc = (id: number, key: number) => ({ key, uid: 0, gid: 0, cuid: 0, cgid: 0, mode: 0o100640, id });
    const images = new Map([
      image('ipcns-shm-9.img', [{ desc: desc(3, 0x1234), size: '5000' }]),
      image('ipcns-sem-9.img', [{ desc: desc(0, 0xdead), nsems: 10 }]),
      image('ipcns-msg-9.img', [{ desc: desc(1, 1), qbytes: 16384, qnum: 2 }]),
    ]);
    expect(ipcObjectsOf(images)).toEqual([
      { namespace: 9, kind: 'msg', id: 1, key: '0x00000001', uid: 0, gid: 0, mode: '0640', messages: 2, maxBytes: 16384 },
      { namespace: 9, kind: 'sem', id: 0, key: '0x0000dead', uid: 0, gid: 0, mode: '0640', semaphores: 10 },
      { namespace: 9, kind: 'shm', id: 3, key: '0x00001234', uid: 0, gid: 0, mode: '0640', sizeBytes: 5000 },
    ]);
  });
});
