import { readFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { canonical, diffDecoders } from '../../test-support/decode-diff';
import { DEFAULT_LIMITS } from '../archive/errors';
import { archiveSource } from '../archive/source';
import { decodeReference } from './image';
import { IMG_COMMON_MAGIC } from './magic';
import { bigDecimal, decodePlain } from './plain-decode';
import { messageType, type MessageName } from './schemas';

const SAMPLE = path.resolve(__dirname, '../../assets/sample-checkpoint.tar.zst');

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

/**
 * Both decoders on one record: equal output, or both refuse it. `damaged`: the unknown-field notes are left out of the
 * comparison: the reference finds them by reading each skipped tag back from the bytes before the reader's position,
 * which on garbage can miss a field or count field 0, where the plain decoder reads every tag as it goes.
 */
function same(name: MessageName, bytes: Uint8Array, damaged = false): string {
  let plain: string;
  let reference: string;
  const text = (v: Record<string, unknown>): string => (damaged ? canonical(v).replace(/unknown\[.*$/, '') : canonical(v));
  try {
    plain = text(decodePlain(name, bytes));
  } catch {
    plain = 'throws';
  }
  try {
    reference = text(decodeReference(name, bytes));
  } catch {
    reference = 'throws';
  }
  expect(plain, `${name} ${Buffer.from(bytes).toString('hex')}`).toBe(reference);
  return plain;
}

function encode(name: MessageName, value: object): Uint8Array {
  const t = messageType(name);
  return t.encode(t.fromObject(value)).finish();
}

describe('the plain decoder equals protobufjs (the reference)', () => {
  it('on every image of the sample checkpoint', async () => {
    const source = await archiveSource(
      { label: 'sample', open: async function* () { yield new Uint8Array(readFileSync(SAMPLE)); } },
      DEFAULT_LIMITS,
    );
    let images = 0;
    let records = 0;
    const problems: string[] = [];
    await source.walk(async (file) => {
      const name = file.path.split('/').pop()!;
      if (file.type !== 'file' || !(name.endsWith('.img') || name.startsWith('stats-')) || /^pages-\d+\.img$/.test(name)) return;
      const bytes = await file.reader().readExact(file.size);
      const r = diffDecoders(name, bytes, DEFAULT_LIMITS);
      problems.push(...r.problems);
      images++;
      records += r.records;
    });
    expect(problems).toEqual([]);
    expect(images).toBeGreaterThan(20);
    expect(records).toBeGreaterThan(100);
  });

  it('on fields out of order, repeated, packed, unknown, reserved and 64-bit extremes', () => {
    const w = (): protobuf.Writer => protobuf.Writer.create();
    // vma_entry: fd (8, sint64) before start (1), start twice (the last wins), an unknown field 20 and status.
    same('vma_entry', w().uint32((8 << 3) | 0).sint64(-5).uint32((1 << 3) | 0).uint64(7).uint32((1 << 3) | 0).uint64('18446744073709551615')
      .uint32((20 << 3) | 2).bytes(new Uint8Array([1, 2])).uint32((7 << 3) | 0).uint32(0x80000000).finish());
    // pstree_entry threads packed and unpacked in one record.
    same('pstree_entry', w().uint32((5 << 3) | 2).fork().uint32(3).uint32(4).ldelim().uint32((5 << 3) | 0).uint32(9).uint32((1 << 3) | 0).uint32(1).finish());
    // sk_opts_entry: reserved numbers (not noted) and unknown ones (noted), nested in unix_sk_entry.
    const opts = w().uint32((3 << 3) | 0).uint32(1).uint32((30 << 3) | 0).uint32(2).uint32((1 << 3) | 0).uint32(5).finish();
    const usk = same('unix_sk_entry', w().uint32((10 << 3) | 2).bytes(opts).uint32((11 << 3) | 2).bytes(new Uint8Array(0)).uint32((99 << 3) | 5).fixed32(1).finish());
    expect(usk).toContain('unknown');
    // Enum values outside the enum stay numbers; negative int32; bool from a large varint.
    same('fdinfo_entry', w().uint32((3 << 3) | 0).int32(777).uint32((4 << 3) | 0).uint32(3).finish());
    same('file_lock_entry', w().uint32((3 << 3) | 0).int32(-1).uint32((5 << 3) | 0).int64(-9).finish());
    same('pagemap_entry', w().uint32((3 << 3) | 0).uint64('4294967296').finish());
    // Encoded by protobufjs from values: every 64-bit width.
    for (const v of ['0', '1', '4294967295', '4294967296', '9007199254740993', '18446744073709551615']) same('rlimit_entry', encode('rlimit_entry', { cur: v, max: v }));
    for (const v of ['-1', '-9223372036854775808', '9223372036854775807']) same('vma_entry', encode('vma_entry', { fd: v, start: '140737488351232' }));
    // Nested, repeated messages and strings (non-ASCII too).
    same('core_entry', encode('core_entry', { tc: { comm: 'naïve ✓', rlimits: { rlimits: [{ cur: '1', max: '2' }, {}] }, sigactions: [{ sigaction: '3' }] }, thread_core: { creds: { uid: 5, cap_eff: [1, 2] } } }));
  });

  it('refuses what protobufjs refuses: truncated and overlong records', () => {
    const good = encode('mm_entry', { mm_start_code: '4194304', vmas: [{ start: '4194304', end: '4198400', status: 67 }], exe_file_id: 3 });
    for (let cut = 1; cut < good.length; cut++) same('mm_entry', good.subarray(0, cut));
    for (const bytes of [[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x08, 0x80], [0x72, 0x05, 0x08], [0x0f], [0x0b, 0x10, 0x01, 0x0c]]) {
      same('mm_entry', new Uint8Array(bytes));
      same('vma_entry', new Uint8Array(bytes));
    }
  });

  it('agrees on 2,000 damaged records (bytes of real ones flipped, cut or repeated): same output or both refuse', () => {
    const real: Array<[MessageName, Uint8Array]> = [
      ['mm_entry', encode('mm_entry', { mm_start_code: '4194304', mm_saved_auxv: ['33', '140737354113024'], vmas: [{ start: '4194304', end: '4198400', prot: 5, status: 67, fd: '-1' }] })],
      ['file_entry', encode('file_entry', { type: 'UNIXSK', id: 9, usk: { id: 9, ino: 77, name: new Uint8Array([0, 97]), opts: { so_sndbuf: 1 }, fown: {} } })],
      ['core_entry', encode('core_entry', { mtype: 'X86_64', tc: { task_state: 1, comm: 'sleep', timers: { real: { isec: '1' } } }, thread_core: { sched_nice: -3 } })],
    ];
    let seed = 11;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      const [name, good] = real[i % real.length]!;
      const bytes = Uint8Array.from(good);
      for (let k = 0; k <= rand(3); k++) bytes[rand(bytes.length)] = rand(4) === 0 ? 0xff : rand(256);
      same(name, rand(5) === 0 ? bytes.subarray(0, rand(bytes.length)) : bytes, true);
    }
  });

  it('prints 64-bit values as String() does, at every multiple of 10^8 edge up to 2^53', () => {
    const values = [2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53 - 2, 0x7fffffffffff, 0xffffffffff600000 / 2 ** 12];
    for (let k = 43; k < 90_071_993; k += 7_654_321) values.push(k * 1e8 - 1, k * 1e8, k * 1e8 + 1);
    for (let i = 0; i < 20_000; i++) values.push(2 ** 32 + Math.floor(Math.random() * (2 ** 53 - 2 ** 32)));
    for (const v of values) if (Number.isSafeInteger(v) && v >= 2 ** 32) expect(bigDecimal(v), String(v)).toBe(String(v));
  });

  it('stays in step with the image reader: a whole image decodes the same both ways', () => {
    const rec = encode('pstree_entry', { pid: 1, ppid: 0, threads: [1, 2] });
    const img = new Uint8Array([...u32(IMG_COMMON_MAGIC), ...u32(0x50273030), ...u32(rec.length), ...rec]);
    expect(diffDecoders('pstree.img', img, DEFAULT_LIMITS)).toEqual({ problems: [], records: 1 });
  });
});
