import { PROTO, type MessageName } from './proto';

// A protobuf decoder for the schemas in proto.ts that goes straight from bytes to the plain-object form the rest of
// Stasis reads (protobufjs's toObject with { longs: String, enums: String, defaults: false, arrays: true }).
// protobufjs needs three steps for that — decode into message objects, a Long object per 64-bit field, then toObject
// — and parses the schema and generates code at startup. On a checkpoint of hundreds of processes those steps, and
// the garbage they leave, cost more CPU than everything else the reader does except decompression; loading
// protobufjs alone took longer than decompressing a small archive. The reading rules (bounds, varint quirks, nesting
// limit, last-one-wins for repeated singular fields) follow protobufjs 7 line by line, and decode.test.ts checks the
// two agree on real and mangled records, so a corrupt image fails or decodes the same way it did before.

/** A decoded entry: protobuf fields by CRIU's names; 64-bit numbers are decimal strings, enums are names. */
export type Entry = Record<string, unknown>;

const U32 = 0;
const I32 = 1;
const S32 = 2;
const U64 = 3;
const I64 = 4;
const S64 = 5;
const BOOL = 6;
const STRING = 7;
const BYTES = 8;
const ENUM = 9;
const MESSAGE = 10;

const SCALARS: Record<string, number> = { uint32: U32, int32: I32, sint32: S32, uint64: U64, int64: I64, sint64: S64, bool: BOOL, string: STRING, bytes: BYTES };

interface Field {
  name: string;
  id: number;
  kind: number;
  repeated: boolean;
  /** Position in the output object (repeated fields first, each group by field number, as protobufjs's toObject). */
  slot: number;
  enumNames?: Map<number, string>;
  message?: Message;
}

interface Message {
  name: string;
  /** Fields by number (a sparse array: CRIU's numbers are small). */
  byId: Array<Field | undefined>;
  /** Fields in output order. */
  fields: Field[];
}

let messages: Map<string, Message> | undefined;

/** Reads proto.ts's schema (a plain proto2 subset: enums and messages of optional / repeated fields). */
function parseSchema(): Map<string, Message> {
  const enums = new Map<string, Map<number, string>>();
  for (const m of PROTO.matchAll(/\benum\s+(\w+)\s*\{([^}]*)\}/g)) {
    const names = new Map<number, string>();
    for (const v of m[2]!.matchAll(/(\w+)\s*=\s*(-?\d+)/g)) names.set(Number(v[2]), v[1]!);
    enums.set(m[1]!, names);
  }
  const out = new Map<string, Message>();
  const pending: Array<[Field, string]> = [];
  for (const m of PROTO.matchAll(/\bmessage\s+(\w+)\s*\{([^}]*)\}/g)) {
    const fields: Field[] = [];
    for (const f of m[2]!.matchAll(/\b(optional|repeated|required)\s+(\w+)\s+(\w+)\s*=\s*(\d+)/g)) {
      const type = f[2]!;
      const field: Field = { name: f[3]!, id: Number(f[4]), kind: SCALARS[type] ?? MESSAGE, repeated: f[1] === 'repeated', slot: 0 };
      const names = enums.get(type);
      if (names) {
        field.kind = ENUM;
        field.enumNames = names;
      } else if (field.kind === MESSAGE) pending.push([field, type]);
      fields.push(field);
    }
    const ordered = [...fields.filter((f) => f.repeated), ...fields.filter((f) => !f.repeated)];
    // Within each group by number, as protobufjs sorts them.
    const byNumber = (a: Field, b: Field): number => a.id - b.id;
    const sorted = [...ordered.filter((f) => f.repeated).sort(byNumber), ...ordered.filter((f) => !f.repeated).sort(byNumber)];
    sorted.forEach((f, i) => (f.slot = i));
    const byId: Array<Field | undefined> = [];
    for (const f of sorted) byId[f.id] = f;
    out.set(m[1]!, { name: m[1]!, byId, fields: sorted });
  }
  for (const [field, type] of pending) {
    const target = out.get(type);
    if (!target) throw new Error(`schema: message type ${type} is not defined`);
    field.message = target;
  }
  return out;
}

function schema(name: MessageName): Message {
  messages ??= parseSchema();
  const m = messages.get(name);
  if (!m) throw new Error(`schema: no message ${name}`);
  return m;
}

// protobufjs's nesting limit (protoc's default recursion limit).
const RECURSION_LIMIT = 100;

// The reader's state: one decode runs at a time (it is synchronous), so module variables keep the hot paths free of
// property loads through a reader object.
let buf: Uint8Array = new Uint8Array(0);
let pos = 0;
let len = 0;
// The two halves of the last 64-bit varint read.
let lo = 0;
let hi = 0;

function outOfRange(n?: number): Error {
  return new RangeError(`index out of range: ${pos} + ${n ?? 1} > ${len}`);
}

function uint32(): number {
  if (len - pos < 5) {
    if (pos >= len) throw outOfRange();
    if (buf[pos]! >= 128) {
      let value = 0;
      for (let i = 0; i < 4; ++i) {
        if (pos >= len) throw outOfRange();
        const b = buf[pos++]!;
        value = (value | ((b & 127) << (i * 7))) >>> 0;
        if (b < 128) return value;
      }
      throw outOfRange();
    }
  }
  let value = (buf[pos]! & 127) >>> 0;
  if (buf[pos++]! < 128) return value;
  value = (value | ((buf[pos]! & 127) << 7)) >>> 0;
  if (buf[pos++]! < 128) return value;
  value = (value | ((buf[pos]! & 127) << 14)) >>> 0;
  if (buf[pos++]! < 128) return value;
  value = (value | ((buf[pos]! & 127) << 21)) >>> 0;
  if (buf[pos++]! < 128) return value;
  value = (value | ((buf[pos]! & 15) << 28)) >>> 0;
  if (buf[pos++]! < 128) return value;
  // The upper five bytes of a 64-bit varint carry nothing a 32-bit value keeps (protobufjs skips them unread).
  if ((pos += 5) > len) {
    pos = len;
    throw outOfRange(10);
  }
  return value;
}

/** A 64-bit varint into lo / hi (protobufjs's readLongVarint, including its short-input path). */
function varint64(): void {
  let l = 0;
  let h = 0;
  let i = 0;
  lo = hi = 0;
  if (len - pos > 4) {
    for (; i < 4; ++i) {
      l = (l | ((buf[pos]! & 127) << (i * 7))) >>> 0;
      if (buf[pos++]! < 128) {
        lo = l;
        return;
      }
    }
    l = (l | ((buf[pos]! & 127) << 28)) >>> 0;
    h = (h | ((buf[pos]! & 127) >> 4)) >>> 0;
    if (buf[pos++]! < 128) {
      lo = l;
      hi = h;
      return;
    }
    i = 0;
  } else {
    for (; i < 3; ++i) {
      if (pos >= len) throw outOfRange();
      l = (l | ((buf[pos]! & 127) << (i * 7))) >>> 0;
      if (buf[pos++]! < 128) {
        lo = l;
        return;
      }
    }
    // Past the end this reads undefined, which `& 127` makes 0 — as protobufjs does.
    l = (l | (((buf[pos++] as number) & 127) << (i * 7))) >>> 0;
    lo = l;
    return;
  }
  const fast = len - pos > 4;
  for (; i < 5; ++i) {
    if (!fast && pos >= len) throw outOfRange();
    h = (h | ((buf[pos]! & 127) << (i * 7 + 3))) >>> 0;
    if (buf[pos++]! < 128) {
      lo = l;
      hi = h;
      return;
    }
  }
  throw new Error('invalid varint encoding');
}

/** lo / hi as a decimal string; `signed` reads them as two's complement. */
function decimal(signed: boolean): string {
  const negative = signed && hi >= 0x80000000;
  // Below 2^53 a double holds the value exactly, and String() of it is what BigInt would print.
  if (!negative && hi < 0x200000) return String(hi * 0x100000000 + lo);
  const bits = (BigInt(hi) << 32n) | BigInt(lo);
  return (negative ? BigInt.asIntN(64, bits) : bits).toString();
}

function zigzag(): void {
  const mask = -(lo & 1);
  lo = (((lo >>> 1) | (hi << 31)) ^ mask) >>> 0;
  hi = ((hi >>> 1) ^ mask) >>> 0;
}

function skip(n: number): void {
  if (pos + n > len) throw outOfRange(n);
  pos += n;
}

function skipVarint(): void {
  do {
    if (pos >= len) throw outOfRange();
  } while (buf[pos++]! & 128);
}

function skipType(wireType: number, depth: number): void {
  if (depth > RECURSION_LIMIT) throw new Error('maximum nesting depth exceeded');
  switch (wireType) {
    case 0:
      skipVarint();
      break;
    case 1:
      skip(8);
      break;
    case 2:
      skip(uint32());
      break;
    case 3:
      while ((wireType = uint32() & 7) !== 4) skipType(wireType, depth + 1);
      break;
    case 5:
      skip(4);
      break;
    default:
      throw new Error(`invalid wire type ${wireType} at offset ${pos}`);
  }
}

function bytes(): Uint8Array {
  const n = uint32();
  const start = pos;
  const end = pos + n;
  if (end > len) throw outOfRange(n);
  pos = end;
  // A copy, not a view: a view would keep the whole image buffer alive for one socket name.
  return buf.slice(start, end);
}

const REPLACEMENT = 0xfffd;

/** UTF-8 as protobufjs's reader decodes it (lenient: malformed sequences become U+FFFD or are dropped, never thrown). */
function string(): string {
  const n = uint32();
  const start = pos;
  const end = pos + n;
  if (end > len) throw outOfRange(n);
  pos = end;
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (buf[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  // Paths and names are nearly always ASCII: one native call instead of a loop over code units.
  if (ascii && n <= 8192) return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  const units: number[] = [];
  const parts: string[] = [];
  // A view of just the string: a sequence cut short by its end reads undefined (0 after masking), not the next field.
  const b = buf.subarray(start, end);
  let s = 0;
  while (s < n) {
    const t = b[s++]!;
    if (t <= 0x7f) units.push(t);
    else if (t >= 0xc0 && t < 0xe0) {
      const c2 = ((t & 0x1f) << 6) | ((b[s++] as number) & 0x3f);
      units.push(c2 >= 0x80 ? c2 : REPLACEMENT);
    } else if (t >= 0xe0 && t < 0xf0) {
      const c3 = ((t & 0xf) << 12) | (((b[s++] as number) & 0x3f) << 6) | ((b[s++] as number) & 0x3f);
      units.push(c3 >= 0x800 ? c3 : REPLACEMENT);
    } else if (t >= 0xf0) {
      let t2 = ((t & 7) << 18) | (((b[s++] as number) & 0x3f) << 12) | (((b[s++] as number) & 0x3f) << 6) | ((b[s++] as number) & 0x3f);
      if (t2 < 0x10000 || t2 > 0x10ffff) units.push(REPLACEMENT);
      else {
        t2 -= 0x10000;
        units.push(0xd800 + (t2 >> 10), 0xdc00 + (t2 & 0x3ff));
      }
    }
    if (units.length > 8191) parts.push(String.fromCharCode(...units.splice(0)));
  }
  parts.push(String.fromCharCode(...units));
  return parts.join('');
}

function scalar(field: Field, depth: number): unknown {
  switch (field.kind) {
    case U32:
      return uint32();
    case I32:
      return uint32() | 0;
    case S32: {
      const v = uint32();
      return ((v >>> 1) ^ -(v & 1)) | 0;
    }
    case U64:
      varint64();
      return decimal(false);
    case I64:
      varint64();
      return decimal(true);
    case S64:
      varint64();
      zigzag();
      return decimal(true);
    case BOOL:
      return uint32() !== 0;
    case STRING:
      return string();
    case BYTES:
      return bytes();
    case ENUM: {
      const v = uint32() | 0;
      return field.enumNames!.get(v) ?? v;
    }
    default: {
      const n = uint32();
      return message(field.message!, n, depth + 1);
    }
  }
}

/** One message of `length` bytes at pos (or up to len when length is undefined). */
function message(type: Message, length: number | undefined, depth: number): Entry {
  if (depth > RECURSION_LIMIT) throw new Error('maximum nesting depth exceeded');
  let end = len;
  const outer = len;
  if (length !== undefined) {
    end = pos + length;
    if (end > len) throw new RangeError('index out of range');
    len = end;
  }
  const { byId, fields } = type;
  const values: unknown[] = new Array<unknown>(fields.length);
  while (pos < end) {
    const tag = uint32();
    const field = byId[tag >>> 3];
    if (!field) {
      skipType(tag & 7, depth);
      continue;
    }
    if (!field.repeated) {
      values[field.slot] = scalar(field, depth);
      continue;
    }
    let list = values[field.slot] as unknown[] | undefined;
    if (!list) values[field.slot] = list = [];
    // Scalars may come packed (one length-delimited run) or one per tag; both are accepted, as protobufjs does.
    if ((tag & 7) === 2 && field.kind !== STRING && field.kind !== BYTES && field.kind !== MESSAGE) {
      const c2 = uint32() + pos;
      if (c2 > len) throw new RangeError('index out of range');
      len = c2;
      while (pos < c2) list.push(scalar(field, depth));
      if (pos !== c2) throw new RangeError('index out of range');
      len = end;
    } else list.push(scalar(field, depth));
  }
  if (length !== undefined) {
    if (pos !== end) throw new RangeError('index out of range');
    len = outer;
  }
  const out: Entry = {};
  for (let i = 0; i < fields.length; i++) {
    const v = values[i];
    if (v !== undefined) out[fields[i]!.name] = v;
    else if (fields[i]!.repeated) out[fields[i]!.name] = [];
  }
  return out;
}

/** Decodes one record of the named message type; throws on malformed protobuf. */
export function decodeEntry(name: MessageName, payload: Uint8Array): Entry {
  const type = schema(name);
  buf = payload;
  pos = 0;
  len = payload.length;
  try {
    return message(type, undefined, 0);
  } finally {
    buf = EMPTY;
  }
}

const EMPTY = new Uint8Array(0);
