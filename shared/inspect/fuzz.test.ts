import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { StasisError } from '../api/errors';
import { withLimits } from '../archive/errors';
import { archiveSource } from '../archive/source';
import { IMG_COMMON_MAGIC, INVENTORY_MAGIC } from '../criu/magic';
import { messageType, type MessageName } from '../criu/schemas';
import { loadCheckpoint } from './checkpoint';
import { buildReport } from './report';

const LIMITS = withLimits({ maxEntryBytes: 1 << 20, maxImageBytes: 4 << 20, maxMetadataBytes: 16 << 20, maxTotalBytes: 64 << 20, maxFiles: 1000, maxPathBytes: 4096 });

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function cat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function image(magic: number, message: MessageName, entries: object[]): Uint8Array {
  const type = messageType(message);
  const head = magic === INVENTORY_MAGIC ? [u32(magic)] : [u32(IMG_COMMON_MAGIC), u32(magic)];
  return cat([...head, ...entries.flatMap((e) => {
    const body = type.encode(type.fromObject(e)).finish();
    return [u32(body.length), body];
  })]);
}

function tarHeader(name: string, size: number, flag = '0', link = ''): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, at: number): void => h.set(new TextEncoder().encode(s), at);
  put(name, 0);
  put('0000644\0', 100);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124);
  put('00000000000\0', 136);
  put(flag, 156);
  put(link, 157);
  put('ustar\0', 257);
  put('00', 263);
  put('        ', 148);
  const sum = h.reduce((s, b) => s + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function tar(files: Array<[string, Uint8Array] | [string, Uint8Array, string, string]>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data, flag, link] of files) {
    parts.push(tarHeader(name, data.length, flag ?? '0', link ?? ''), data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return cat(parts);
}

/** A message queue image: one queue holding one 5-byte message, its text padded to 8 as CRIU writes it. */
function ipcMsgImage(): Uint8Array {
  const queue = image(0x55453737, 'ipc_msg_entry', [{ desc: { key: 0x5356, mode: 0o600, id: 0 }, qbytes: 16384, qnum: 1 }]);
  const msg = image(0, 'ipc_msg', [{ mtype: 1, msize: 5 }]).subarray(8); // just the length-prefixed record
  return cat([queue, msg, Uint8Array.from([104, 101, 108, 108, 111, 0, 0, 0])]);
}

const GOOD_FILES: Array<[string, Uint8Array]> = [
  ['checkpoint/inventory.img', image(INVENTORY_MAGIC, 'inventory_entry', [{ img_version: 2, fdinfo_per_id: true }])],
  ['checkpoint/pstree.img', image(0x50273030, 'pstree_entry', [{ pid: 1, ppid: 0, pgid: 1, sid: 1, threads: [1] }])],
  ['checkpoint/core-1.img', image(0x55053847, 'core_entry', [{ mtype: 1, tc: { task_state: 1, comm: 'init', exit_code: 0 }, ids: { files_id: 1 } }])],
  ['checkpoint/fdinfo-1.img', image(0x56213732, 'fdinfo_entry', [{ id: 1, flags: 0, type: 1, fd: 0 }])],
  ['checkpoint/files.img', image(0x56303138, 'file_entry', [{ type: 1, id: 1, reg: { id: 1, flags: 2, pos: 0, name: '/dev/null' } }])],
  ['checkpoint/pagemap-1.img', image(0x56084025, 'pagemap_entry', [{ vaddr: 0 }, { vaddr: 0x400000, nr_pages: 1, flags: 4 }].map((e, i) => (i === 0 ? { pages_id: 1 } : e)) as object[])],
  ['checkpoint/pages-1.img', new Uint8Array(4096).fill(0x41)],
  ['checkpoint/ipcns-msg-11.img', ipcMsgImage()],
  ['checkpoint/route-9.img', new Uint8Array(37)],
  ['config.dump', new TextEncoder().encode(JSON.stringify({ name: 'c', rootfsImageName: 'img' }))],
];
const GOOD = tar(GOOD_FILES);

/** Reads an archive held in memory the way the CLI reads a file; resolves to the outcome. */
async function read(bytes: Uint8Array): Promise<'ok' | 'corrupt'> {
  try {
    const source = await archiveSource({ label: 'fuzz', open: async function* () { for (let i = 0; i < bytes.length; i += 7919) yield bytes.subarray(i, i + 7919); } }, LIMITS);
    const cp = await loadCheckpoint(source, { limits: LIMITS });
    await buildReport(cp);
    return 'ok';
  } catch (err) {
    if (err instanceof StasisError && err.code === 'corrupt-image') return 'corrupt';
    throw err;
  }
}

// A deterministic PRNG so a failure reproduces.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('synthetic archive', () => {
  it('decodes a message queue with its queued message skipped, and lists raw files with their size', async () => {
    const source = await archiveSource({ label: 'good', open: async function* () { yield GOOD; } }, LIMITS);
    const cp = await loadCheckpoint(source, { limits: LIMITS });
    const msg = cp.images.get('ipcns-msg-11.img');
    expect(msg?.undecoded).toBeUndefined();
    expect(msg?.entries).toEqual([expect.objectContaining({ qnum: 1 })]);
    expect(cp.undecoded).toContainEqual({ file: 'route-9.img', reason: 'raw data (not protobuf), listed only', size: 37 });
  });
});

describe('reader on hostile input', () => {
  it('reads the well-formed synthetic archive, plain and gzipped', async () => {
    expect(await read(GOOD)).toBe('ok');
    expect(await read(gzipSync(GOOD))).toBe('ok');
  });

  it('ends every truncation in success or a corrupt-image error', async () => {
    for (let n = 0; n < GOOD.length; n += 97) expect(['ok', 'corrupt']).toContain(await read(GOOD.subarray(0, n)));
  });

  it('survives 3000 random bit flips and byte smashes', async () => {
    const rand = rng(42);
    for (let i = 0; i < 3000; i++) {
      const bytes = GOOD.slice();
      const flips = 1 + Math.floor(rand() * 8);
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(rand() * bytes.length);
        bytes[at] = rand() < 0.5 ? bytes[at]! ^ (1 << Math.floor(rand() * 8)) : Math.floor(rand() * 256);
      }
      expect(['ok', 'corrupt']).toContain(await read(rand() < 0.2 ? gzipSync(bytes) : bytes));
    }
  }, 120_000);

  it('refuses oversized record lengths, wrong magic, path traversal and escaping links', async () => {
    const withFile = (name: string, data: Uint8Array, flag?: string, link?: string): Uint8Array =>
      tar([...GOOD_FILES, flag ? [name, data, flag, link ?? ''] : [name, data]]);
    const huge = cat([u32(IMG_COMMON_MAGIC), u32(0x50273030), u32(0xfffffff0), new Uint8Array(16)]);
    expect(await read(tar(GOOD_FILES.map(([n, d]) => (n.endsWith('pstree.img') ? [n, huge] : [n, d]))))).toBe('corrupt');
    expect(await read(tar(GOOD_FILES.map(([n, d]) => (n.endsWith('core-1.img') ? [n, cat([u32(0xdeadbeef), d.subarray(4)])] : [n, d]))))).toBe('corrupt');
    expect(await read(withFile('../../etc/passwd', new Uint8Array(3)))).toBe('corrupt');
    expect(await read(withFile('/etc/passwd', new Uint8Array(3)))).toBe('corrupt');
    expect(await read(withFile('checkpoint/evil', new Uint8Array(0), '2', '../../../etc/shadow'))).toBe('corrupt');
    expect(await read(withFile('checkpoint/evil', new Uint8Array(0), '2', '/etc/shadow'))).toBe('corrupt');
    expect(await read(new TextEncoder().encode('definitely not an archive'.repeat(40)))).toBe('corrupt');
    expect(await read(new Uint8Array(0))).toBe('corrupt');
  });

  it('refuses a huge GNU long-name header and too many members', async () => {
    const longName = tar([['././@LongLink', new Uint8Array(1 << 20).fill(0x61), 'L', ''], ...GOOD_FILES]);
    expect(await read(longName)).toBe('corrupt');
    const many = tar([...GOOD_FILES, ...Array.from({ length: 1200 }, (_, i): [string, Uint8Array] => [`junk/${i}`, new Uint8Array(1)])]);
    expect(await read(many)).toBe('corrupt');
  });

  it('stops a decompression bomb at the byte cap', async () => {
    // 64 MiB+ of zeros in a member nobody reads, gzipped to a few dozen KiB.
    const bomb = gzipSync(tar([...GOOD_FILES, ['filler', new Uint8Array(80 << 20)]]), { level: 9 });
    expect(bomb.length).toBeLessThan(1 << 20);
    // Ends in a refusal, not in 80 MiB read; how fast is for a benchmark, not a unit test.
    expect(await read(bomb)).toBe('corrupt');
  }, 60_000);
});
