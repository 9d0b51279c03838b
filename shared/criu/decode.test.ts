import type protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeEntry } from './decode';
import { PROTO, type MessageName } from './proto';
import { messageType, TO_OBJECT } from './schemas';

// decode.ts replaces protobufjs's decode + toObject in the reader. protobufjs stays the reference: every message type,
// random values at the edges (64-bit extremes, negatives, non-ASCII text, nesting), and the same records mangled
// (flipped bytes, truncations), must decode to the same object — or fail in both.

const NAMES = [...PROTO.matchAll(/\bmessage\s+(\w+)/g)].map((m) => m[1] as MessageName);

// A small deterministic PRNG, so a failure names a reproducible seed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const U64 = ['0', '1', '127', '128', '4294967295', '4294967296', '9007199254740991', '9007199254740993', '140737488351232', '18446744073709551615'];
const I64 = ['-1', '-2', '-4294967296', '-9007199254740993', '-9223372036854775808', '9223372036854775807', '7', '0'];
const STRINGS = ['', 'a', '/usr/lib/x86_64-linux-gnu/libc.so.6', 'päth/日本/🙂', 'x'.repeat(300)];

function randomValue(field: protobuf.Field, r: () => number, depth: number): unknown {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const rt = field.resolvedType;
  if (rt && 'values' in rt) return pick(Object.values((rt as protobuf.Enum).values));
  if (rt) return depth > 3 ? {} : randomObject(rt as protobuf.Type, r, depth + 1);
  switch (field.type) {
    case 'uint32':
      return pick([0, 1, 127, 128, 300, 0x7fffffff, 0xffffffff]);
    case 'int32':
      return pick([0, 1, -1, -2147483648, 2147483647]);
    case 'sint32':
      return pick([0, -1, 1, -2147483648, 2147483647]);
    case 'uint64':
      return pick(U64);
    case 'int64':
    case 'sint64':
      return pick(I64);
    case 'bool':
      return r() < 0.5;
    case 'string':
      return pick(STRINGS);
    case 'bytes':
      return new Uint8Array(Array.from({ length: Math.floor(r() * 20) }, () => Math.floor(r() * 256)));
    default:
      throw new Error(`no generator for ${field.type}`);
  }
}

function randomObject(type: protobuf.Type, r: () => number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    f.resolve();
    if (r() < 0.3) continue;
    out[f.name] = f.repeated ? Array.from({ length: Math.floor(r() * 4) }, () => randomValue(f, r, depth)) : randomValue(f, r, depth);
  }
  return out;
}

type Outcome = { ok: true; value: string } | { ok: false };

// Bytes as plain arrays: protobufjs returns Buffers in Node for empty fields, decode.ts Uint8Arrays.
// (Buffer's toJSON would run before a replacer saw it, so the walk is done by hand.)
function normalize(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}
const plain = (v: unknown): string => JSON.stringify(normalize(v));

function reference(type: protobuf.Type, bytes: Uint8Array): Outcome {
  try {
    return { ok: true, value: plain(type.toObject(type.decode(bytes), TO_OBJECT)) };
  } catch {
    return { ok: false };
  }
}

function ours(name: MessageName, bytes: Uint8Array): Outcome {
  try {
    return { ok: true, value: plain(decodeEntry(name, bytes)) };
  } catch {
    return { ok: false };
  }
}

describe('decodeEntry', () => {
  it('decodes every message type as protobufjs decode + toObject does, key order included', () => {
    for (const name of NAMES) {
      const type = messageType(name);
      for (let seed = 0; seed < 40; seed++) {
        const r = rng(seed * 7919 + name.length);
        const bytes = type.encode(type.fromObject(randomObject(type, r))).finish();
        expect(ours(name, bytes), `${name} seed ${seed}`).toEqual(reference(type, bytes));
      }
    }
  });

  it('fails, or decodes the same, on mangled records', () => {
    let compared = 0;
    for (const name of NAMES) {
      const type = messageType(name);
      for (let seed = 0; seed < 30; seed++) {
        const r = rng(seed * 104729 + name.length * 31);
        const good = type.encode(type.fromObject(randomObject(type, r))).finish();
        for (let k = 0; k < 6; k++) {
          const bad = Uint8Array.from(good);
          if (k < 3 && bad.length) {
            for (let j = 0; j < 1 + k; j++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
          }
          const cut = k >= 3 ? bad.subarray(0, Math.floor(r() * bad.length)) : bad;
          expect(ours(name, cut), `${name} seed ${seed} variant ${k}`).toEqual(reference(type, cut));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('decodes unpacked repeated scalars and unknown fields, groups included', () => {
    // pstree_entry: threads (5) one per tag, then unknown field 9 as varint, fixed64, group, fixed32.
    const bytes = Uint8Array.from([0x08, 0x07, 0x28, 0x01, 0x28, 0x02, 0x48, 0x05, 0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x4b, 0x08, 0x01, 0x4c, 0x4d, 1, 2, 3, 4]);
    expect(ours('pstree_entry', bytes)).toEqual(reference(messageType('pstree_entry'), bytes));
    expect(decodeEntry('pstree_entry', bytes)).toEqual({ threads: [1, 2], pid: 7 });
  });
});
