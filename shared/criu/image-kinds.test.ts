import { describe, expect, it } from 'vitest';
import { CorruptImageError, DEFAULT_LIMITS } from '../archive/errors';
import { decodeImage } from './image';
import { IMG_COMMON_MAGIC } from './magic';
import { messageType, unknownFieldsOf, type MessageName } from './schemas';

function le32(n: number): number[] {
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24];
}

/** A CRIU image: the common magic, the kind's magic, then length-prefixed records. */
function image(kindMagic: number, records: Uint8Array[]): Uint8Array {
  const out = [...le32(IMG_COMMON_MAGIC), ...le32(kindMagic)];
  for (const r of records) out.push(...le32(r.length), ...r);
  return Uint8Array.from(out);
}

function encode(name: MessageName, value: Record<string, unknown>): Uint8Array {
  const t = messageType(name);
  return t.encode(t.fromObject(value)).finish();
}

/** Appends raw protobuf bytes (a field our schema may not know) to an encoded record. */
function withExtra(record: Uint8Array, ...extra: number[]): Uint8Array {
  return Uint8Array.from([...record, ...extra]);
}

describe('image kinds once listed as undecoded', () => {
  const desc = { key: 0x1234, uid: 0, gid: 0, cuid: 0, cgid: 0, mode: 0o600, id: 32768 };

  it('decodes the IPC namespace variables', () => {
    const rec = encode('ipc_var_entry', { sem_ctls: [32000, 1024000000, 500, 32000], msg_ctlmax: 8192, msg_ctlmnb: 16384, msg_ctlmni: 32000,
      auto_msgmni: 0, shm_ctlmax: '18446744073709547520', shm_ctlall: '18446744073709551612', shm_ctlmni: 4096, shm_rmid_forced: 0,
      mq_queues_max: 256, mq_msg_max: 10, mq_msgsize_max: 8192, mq_msg_default: 10, mq_msgsize_default: 8192 });
    const img = decodeImage('ipcns-var-11.img', image(0x53115007, [rec]), DEFAULT_LIMITS);
    expect(img.undecoded).toBeUndefined();
    expect(img.kind).toBe('IPC_VAR');
    expect(img.entries[0]).toMatchObject({ sem_ctls: [32000, 1024000000, 500, 32000], shm_ctlmax: '18446744073709547520', mq_queues_max: 256 });
  });

  it('decodes System V shared memory segments (contents live in pagemap-shmem, not after the entry)', () => {
    const recs = [encode('ipc_shm_entry', { desc, size: 65536, in_pagemaps: true }), encode('ipc_shm_entry', { desc: { ...desc, id: 1 }, size: 4096, in_pagemaps: true })];
    const img = decodeImage('ipcns-shm-11.img', image(0x46283044, recs), DEFAULT_LIMITS);
    expect(img.undecoded).toBeUndefined();
    expect(img.entries).toEqual([
      { desc, size: '65536', in_pagemaps: true },
      { desc: { ...desc, id: 1 }, size: '4096', in_pagemaps: true },
    ]);
  });

  it('decodes cpuinfo and autofs entries', () => {
    const cpu = encode('cpuinfo_entry', { x86_entry: [{ vendor_id: 'AMD', cpu_family: 25, model: 33, stepping: 0, capability_ver: 2, capability: [1, 2, 3], model_id: 'AMD Ryzen', xfeatures_mask: '231', xsave_size: 2440, xsave_size_max: 2440 }] });
    const c = decodeImage('cpuinfo.img', image(0x61404013, [cpu]), DEFAULT_LIMITS);
    expect(c.undecoded).toBeUndefined();
    expect(c.entries[0]).toEqual({ ppc64_entry: [], s390_entry: [], x86_entry: [{ vendor_id: 'AMD', cpu_family: 25, model: 33, stepping: 0, capability_ver: 2, capability: [1, 2, 3], model_id: 'AMD Ryzen', xfeatures_mask: '231', xsave_size: 2440, xsave_size_max: 2440 }] });
    const auto = encode('autofs_entry', { fd: 5, pgrp: 10, timeout: 300, minproto: 5, maxproto: 5, mode: 1, uid: 0, gid: 0, read_fd: -1 });
    const a = decodeImage('autofs.img', image(0x49353943, [auto]), DEFAULT_LIMITS);
    expect(a.undecoded).toBeUndefined();
    expect(a.entries[0]).toEqual({ fd: 5, pgrp: 10, timeout: 300, minproto: 5, maxproto: 5, mode: 1, uid: 0, gid: 0, read_fd: -1 });
  });

  it('reads file locks with CRIU field numbers (flag, type, pid, fd, start, len)', () => {
    const rec = Uint8Array.from([0x08, 0x01, 0x10, 0x02, 0x18, 0x07, 0x20, 0x03, 0x28, 0x00, 0x30, 0x0a]);
    expect(decodeImage('file-locks.img', image(0x54323616, [rec]), DEFAULT_LIMITS).entries[0]).toEqual({ flag: 1, type: 2, pid: 7, fd: 3, start: '0', len: '10' });
  });
});

describe('fields the schema lacks', () => {
  const PSTREE = 0x50273030;
  const CORE = 0x55053847;

  it('are noted on the entry, by message type and field number, and the known fields still decode', () => {
    // pstree_entry with field 9 (varint 5) and field 200 (length-delimited "ab") that no schema declares.
    const rec = withExtra(encode('pstree_entry', { pid: 1, ppid: 0, pgid: 1, sid: 1, threads: [1] }), 0x48, 0x05, 0xc2, 0x0c, 0x02, 0x61, 0x62);
    const img = decodeImage('pstree.img', image(PSTREE, [rec]), DEFAULT_LIMITS);
    expect(img.entries[0]).toEqual({ pid: 1, ppid: 0, pgid: 1, sid: 1, threads: [1] });
    expect(unknownFieldsOf(img.entries[0]!)).toEqual([{ message: 'pstree_entry', fields: [9, 200] }]);
    expect(Object.keys(img.entries[0]!)).not.toContain('undefined');
    expect(JSON.parse(JSON.stringify(img.entries[0]))).toEqual({ pid: 1, ppid: 0, pgid: 1, sid: 1, threads: [1] });
  });

  it('are found inside nested messages, and fields CRIU has but Stasis reserves are not reported', () => {
    // task_core_entry (tc, field 3 of core_entry) carrying field 40; core_entry carrying thread_info (2), reserved.
    const tc = withExtra(encode('core_entry', { tc: { task_state: 1, comm: 'x' } }).subarray(2), 0xc0, 0x02, 0x01);
    const core = Uint8Array.from([0x08, 0x01, 0x12, 0x02, 0x08, 0x00, 0x1a, tc.length, ...tc]);
    const img = decodeImage('core-1.img', image(CORE, [core]), DEFAULT_LIMITS);
    expect(img.entries[0]).toEqual({ mtype: 'X86_64', tc: { task_state: 1, comm: 'x', sigactions: [] } });
    expect(unknownFieldsOf(img.entries[0]!)).toEqual([{ message: 'task_core_entry', fields: [40] }]);
  });

  it('leave records that carry only reserved (known, not shown) fields unflagged', () => {
    const core = Uint8Array.from([0x08, 0x01, 0x12, 0x02, 0x08, 0x00, 0x6a, 0x00]); // thread_info (2) and ti_riscv64 (13), both reserved
    const img = decodeImage('core-2.img', image(CORE, [core]), DEFAULT_LIMITS);
    expect(unknownFieldsOf(img.entries[0]!)).toBeUndefined();
  });

  it('are named right when a value\'s last byte makes the tag before a skip ambiguous', () => {
    // Field 10 as fixed64 ending in 0xff, then field 11 (varint), field 12 (fixed64 ending 0xaf) and field 13 (varint), none declared.
    const rec = withExtra(encode('pstree_entry', { pid: 1 }), 0x51, 1, 2, 3, 4, 5, 6, 7, 0xff, 0x58, 0x01, 0x61, 0, 0, 0, 0, 0, 0, 0, 0xaf, 0x68, 0x07);
    const img = decodeImage('pstree.img', image(PSTREE, [rec]), DEFAULT_LIMITS);
    expect(img.entries[0]).toEqual({ pid: 1, threads: [] });
    expect(unknownFieldsOf(img.entries[0]!)).toEqual([{ message: 'pstree_entry', fields: [10, 11, 12, 13] }]);
  });

  it('do not leak from one record into the next', () => {
    const odd = withExtra(encode('pstree_entry', { pid: 1 }), 0x48, 0x05);
    const plain = encode('pstree_entry', { pid: 2 });
    const img = decodeImage('pstree.img', image(PSTREE, [odd, plain]), DEFAULT_LIMITS);
    expect(unknownFieldsOf(img.entries[0]!)).toEqual([{ message: 'pstree_entry', fields: [9] }]);
    expect(unknownFieldsOf(img.entries[1]!)).toBeUndefined();
  });
});

describe('System V semaphore sets and message queues (records followed by raw payloads)', () => {
  const SEM = 0x59573019;
  const MSG = 0x55453737;
  const desc = { key: 0x5355, uid: 0, gid: 0, cuid: 0, cgid: 0, mode: 0o600, id: 0 };

  /** The image header, then `parts` as given: a record is passed through `rec`, raw payload bytes as plain arrays. */
  function raw(kindMagic: number, ...parts: number[][]): Uint8Array {
    return Uint8Array.from([...le32(IMG_COMMON_MAGIC), ...le32(kindMagic), ...parts.flat()]);
  }
  function rec(name: MessageName, value: Record<string, unknown>): number[] {
    const bytes = encode(name, value);
    return [...le32(bytes.length), ...bytes];
  }

  it('skips nsems u16 values padded to 8 bytes after each semaphore set', () => {
    // 3 semaphores: 6 bytes of values + 2 of padding; 4 semaphores: exactly 8; 0 semaphores: nothing.
    const bytes = raw(SEM, rec('ipc_sem_entry', { desc, nsems: 3 }), [1, 0, 2, 0, 3, 0, 0, 0],
      rec('ipc_sem_entry', { desc: { ...desc, id: 1 }, nsems: 4 }), [0, 0, 0, 0, 0, 0, 0, 0],
      rec('ipc_sem_entry', { desc: { ...desc, id: 2 }, nsems: 0 }));
    const img = decodeImage('ipcns-sem-11.img', bytes, DEFAULT_LIMITS);
    expect(img.undecoded).toBeUndefined();
    expect(img.kind).toBe('IPCNS_SEM');
    expect(img.entries).toEqual([{ desc, nsems: 3 }, { desc: { ...desc, id: 1 }, nsems: 4 }, { desc: { ...desc, id: 2 }, nsems: 0 }]);
    expect(img.extraBytes).toBe(16);
  });

  it('rejects semaphore values cut short or claimed beyond the image', () => {
    const cut = raw(SEM, rec('ipc_sem_entry', { desc, nsems: 3 }), [1, 0, 2, 0, 3, 0]); // padding missing
    expect(() => decodeImage('ipcns-sem-11.img', cut, DEFAULT_LIMITS)).toThrow(CorruptImageError);
    const huge = raw(SEM, rec('ipc_sem_entry', { desc, nsems: 0xffffffff }), [0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => decodeImage('ipcns-sem-11.img', huge, DEFAULT_LIMITS)).toThrow(/runs past the end/);
  });

  const text = [...new TextEncoder().encode('hello queue'), 0]; // 12 bytes, padded to 16

  it('skips qnum messages (length, ipc_msg record, text padded to 8) after each queue', () => {
    const bytes = raw(MSG, rec('ipc_msg_entry', { desc, qbytes: 16384, qnum: 2 }),
      rec('ipc_msg', { mtype: 1, msize: 12 }), [...text, 0, 0, 0, 0],
      rec('ipc_msg', { mtype: 7, msize: 0 }),
      rec('ipc_msg_entry', { desc: { ...desc, id: 1 }, qbytes: 16384, qnum: 0 }));
    const img = decodeImage('ipcns-msg-11.img', bytes, DEFAULT_LIMITS);
    expect(img.undecoded).toBeUndefined();
    expect(img.kind).toBe('IPCNS_MSG');
    expect(img.entries).toEqual([{ desc, qbytes: 16384, qnum: 2 }, { desc: { ...desc, id: 1 }, qbytes: 16384, qnum: 0 }]);
    const headers = rec('ipc_msg', { mtype: 1, msize: 12 }).length + rec('ipc_msg', { mtype: 7, msize: 0 }).length;
    expect(img.extraBytes).toBe(headers + 16);
  });

  it('rejects queues whose messages are missing, truncated, oversized or not protobuf', () => {
    const entry = rec('ipc_msg_entry', { desc, qbytes: 16384, qnum: 1 });
    const msg = rec('ipc_msg', { mtype: 1, msize: 12 });
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['no message at all', raw(MSG, entry), /claims 1 messages/],
      ['half a length', raw(MSG, entry, [5, 0]), /claims 1 messages/],
      ['header cut short', raw(MSG, entry, msg.slice(0, msg.length - 1)), /truncated message header/],
      ['text cut short', raw(MSG, entry, msg, text), /runs past the end/],
      ['text size beyond the image', raw(MSG, entry, rec('ipc_msg', { mtype: 1, msize: 0xffffffff }), text), /runs past the end/],
      ['header length beyond the cap', raw(MSG, entry, le32(0xfffffff0)), /cap/],
      ['header not protobuf', raw(MSG, entry, [...le32(2), 0xff, 0xff], [0, 0, 0, 0, 0, 0, 0, 0]), /not valid protobuf/],
    ];
    for (const [what, bytes, message] of cases) {
      expect(() => decodeImage('ipcns-msg-11.img', bytes, DEFAULT_LIMITS), what).toThrow(CorruptImageError);
      expect(() => decodeImage('ipcns-msg-11.img', bytes, DEFAULT_LIMITS), what).toThrow(message);
    }
  });

  it('ends a huge claimed queue as soon as the image runs out, without looping over the count', () => {
    // Zero-length headers make each message 4 bytes; qnum 2^32-1 over 4 KiB of them must fail fast, not spin.
    const bytes = raw(MSG, rec('ipc_msg_entry', { desc, qbytes: 0, qnum: 0xffffffff }), new Array<number>(4096).fill(0));
    // The message proves where it stopped (after the 1024 messages there are); a loop over the claimed count would
    // not end within the test's timeout. No wall-clock assertion: speed is for benchmarks.
    expect(() => decodeImage('ipcns-msg-11.img', bytes, DEFAULT_LIMITS)).toThrow(/claims 4294967295 messages, image ends after 1024/);
  });
});
