import protobuf from 'protobufjs';
import { schemaDescriptor, setUnknownFields, type MessageName, type UnknownFields } from './schemas';

// A direct decoder: CRIU records straight to the plain objects the reader uses, in one pass. protobufjs (the reference,
// messageType() in schemas.ts) decodes into message instances with Long objects and then converts them with toObject;
// for a checkpoint of hundreds of processes that was most of the reader's time and garbage. This one walks the same
// schemas (field numbers, types, reserved ranges of schemas.ts, as protobufjs's JSON descriptor, which the CLI gets from
// the build without building protobufjs's reflection) and reads through protobufjs's own Reader, so every
// primitive (varints, 64-bit values, strings, bytes, bounds checks) is read exactly as the reference reads it; what it
// produces must equal the reference's output key for key (plain-decode.test.ts decodes every image of the test corpus
// both ways): 64-bit values as decimal strings, enums by name, absent fields absent, repeated fields always present,
// keys in toObject's order (repeated fields first, then the rest, each by field number).

const enum Kind {
  Uint32,
  Int32,
  Sint32,
  Bool,
  Uint64,
  Int64,
  Sint64,
  String,
  Bytes,
  Enum,
  Message,
}

const KINDS: Record<string, Kind> = {
  uint32: Kind.Uint32,
  int32: Kind.Int32,
  sint32: Kind.Sint32,
  bool: Kind.Bool,
  uint64: Kind.Uint64,
  int64: Kind.Int64,
  sint64: Kind.Sint64,
  string: Kind.String,
  bytes: Kind.Bytes,
};

interface FieldPlan {
  name: string;
  kind: Kind;
  repeated: boolean;
  enumValues?: Record<number, string>;
  message?: MessagePlan;
}

interface MessagePlan {
  name: string;
  /** Output order: repeated fields by number, then the others by number. */
  fields: FieldPlan[];
  repeated: FieldPlan[];
  /** By field number (sparse). */
  byId: Array<FieldPlan | undefined>;
  reserved: Set<number>;
}

/** The schemas as protobufjs's JSON descriptor (what `Root.toJSON()` gives), the parts this decoder reads. */
interface JsonObject {
  fields?: Record<string, { type: string; id: number; rule?: string; keyType?: string }>;
  oneofs?: unknown;
  values?: Record<string, number>;
  reserved?: Array<number[] | string>;
  nested?: Record<string, JsonObject>;
}

const plans = new Map<JsonObject, MessagePlan>();

/**
 * A type or enum by name as protobufjs resolves a field's type: the innermost scope that nests it (the message's own
 * nested types, then its parents' up to the root), with the scopes it lives in.
 */
function lookup(scopes: JsonObject[], name: string): { found: JsonObject; scopes: JsonObject[] } | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const found = scopes[i]!.nested?.[name];
    if (found) return { found, scopes: scopes.slice(0, i + 1) };
  }
  return undefined;
}

function planOf(name: string, type: JsonObject, scopes: JsonObject[]): MessagePlan {
  let plan = plans.get(type);
  if (plan) return plan;
  // `reserved A to B` is inclusive (as schemas.ts's reservedSet reads it); names reserve nothing by number.
  const reserved = new Set<number>();
  for (const r of type.reserved ?? []) if (typeof r !== 'string') for (let id = r[0]!; id <= r[1]!; id++) reserved.add(id);
  plan = { name, fields: [], repeated: [], byId: [], reserved };
  // Registered before its fields: a message may contain itself (cgroup_dir_entry).
  plans.set(type, plan);
  if (type.oneofs) throw new Error(`${name}: oneofs are not supported by the plain decoder`);
  const inner = [...scopes, type];
  // toObject's order: repeated fields by number, then the rest by number (a stable sort, as protobufjs's).
  const sorted = Object.entries(type.fields ?? {}).sort(([, a], [, b]) => a.id - b.id);
  const ordered = [...sorted.filter(([, f]) => f.rule === 'repeated'), ...sorted.filter(([, f]) => f.rule !== 'repeated')];
  for (const [fieldName, f] of ordered) {
    if (f.keyType !== undefined) throw new Error(`${name}.${fieldName}: maps are not supported by the plain decoder`);
    const field: FieldPlan = { name: fieldName, kind: Kind.Message, repeated: f.rule === 'repeated' };
    const basic = KINDS[f.type];
    if (basic !== undefined) field.kind = basic;
    else {
      const target = lookup(inner, f.type);
      if (target?.found.values) {
        field.kind = Kind.Enum;
        // toObject names a value by protobufjs's valuesById: for an id given twice, the last name.
        const byId: Record<number, string> = {};
        for (const [valueName, id] of Object.entries(target.found.values)) byId[id] = valueName;
        field.enumValues = byId;
      } else if (target?.found.fields) {
        field.message = planOf(f.type, target.found, target.scopes);
      } else {
        throw new Error(`${name}.${fieldName}: type ${f.type} is not supported by the plain decoder`);
      }
    }
    plan.fields.push(field);
    if (field.repeated) plan.repeated.push(field);
    plan.byId[f.id] = field;
  }
  return plan;
}

const messagePlans = new Map<MessageName, MessagePlan>();

function messagePlan(name: MessageName): MessagePlan {
  let plan = messagePlans.get(name);
  if (!plan) {
    const root = schemaDescriptor() as JsonObject;
    const type = root.nested?.[name];
    if (!type?.fields) throw new Error(`no message type ${name} in the schemas`);
    plan = planOf(name, type, [root]);
    messagePlans.set(name, plan);
  }
  return plan;
}

type Long64 = number | { toString(): string };

// Unknown fields met in the record being decoded, by message type (reset per record).
let noted: Map<string, Set<number>> | undefined;

function note(plan: MessagePlan, id: number): void {
  if (id === 0 || plan.reserved.has(id)) return;
  noted ??= new Map();
  let set = noted.get(plan.name);
  if (!set) noted.set(plan.name, (set = new Set()));
  set.add(id);
}

/** Skips a field the schema does not declare, as protobufjs's skipType does, noting unknown numbers on the way. */
function skip(plan: MessagePlan, r: protobuf.Reader, tag: number, depth: number): void {
  const wire = tag & 7;
  if (!plan.byId[tag >>> 3]) note(plan, tag >>> 3);
  if (wire !== 3) {
    r.skipType(wire, depth);
    return;
  }
  // A group: its fields up to the end-group tag (CRIU never writes groups).
  if (depth > protobuf.Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
  for (;;) {
    const inner = r.uint32();
    if ((inner & 7) === 4) return;
    skip(plan, r, inner, depth + 1);
  }
}

function scalar(field: FieldPlan, r: protobuf.Reader, depth: number): unknown {
  switch (field.kind) {
    case Kind.Uint32:
      return r.uint32();
    case Kind.Int32:
      return r.int32();
    case Kind.Sint32:
      return r.sint32();
    case Kind.Bool:
      return r.bool();
    case Kind.Uint64:
      if (!exactLongs) return decimal(r.uint64() as Long64);
      readVarint64(r);
      return decimal64(false);
    case Kind.Int64:
      if (!exactLongs) return decimal(r.int64() as Long64);
      readVarint64(r);
      return decimal64(true);
    case Kind.Sint64: {
      if (!exactLongs) return decimal(r.sint64() as Long64);
      readVarint64(r);
      // Zigzag, on the two 32-bit halves.
      const mask = -(lo & 1);
      lo = (((lo >>> 1) | (hi << 31)) ^ mask) >>> 0;
      hi = ((hi >>> 1) ^ mask) >>> 0;
      return decimal64(true);
    }
    case Kind.String:
      return r.string();
    case Kind.Bytes:
      return r.bytes();
    case Kind.Enum: {
      const v = r.int32();
      const name = field.enumValues![v];
      return name === undefined ? v : name;
    }
    default:
      return decodeFields(field.message!, r, r.uint32(), depth + 1);
  }
}

/** A 64-bit value as toObject's `longs: String` gives it (schemas.ts installs an exact decimal Long). */
function decimal(v: Long64): string {
  return typeof v === 'number' ? String(v) : v.toString();
}

// Without long.js (a browser bundle) protobufjs reads 64-bit values as (inexact) numbers; then this decoder reads
// them through protobufjs too. With it, they are read here, without a Long object per value.
const exactLongs = Boolean(protobuf.util.Long);

// The halves of the last 64-bit varint read (unsigned 32-bit each).
let lo = 0;
let hi = 0;

function outOfRange(r: protobuf.Reader): RangeError {
  return RangeError(`index out of range: ${r.pos} + 1 > ${r.len}`);
}

/**
 * A 64-bit varint into lo/hi, exactly as protobufjs's reader takes it: bounds are checked only where it checks them,
 * and near the end of a record (4 bytes or fewer left) it reads at most 4 bytes, ending on the 4th whatever it says.
 */
function readVarint64(r: protobuf.Reader): void {
  const buf = r.buf;
  let pos = r.pos;
  lo = 0;
  hi = 0;
  let b: number;
  if (r.len - pos > 4) {
    for (let i = 0; i < 4; i++) {
      b = buf[pos++]!;
      lo = (lo | ((b & 127) << (i * 7))) >>> 0;
      if (b < 128) {
        r.pos = pos;
        return;
      }
    }
    b = buf[pos++]!;
    lo = (lo | ((b & 127) << 28)) >>> 0;
    hi = (hi | ((b & 127) >> 4)) >>> 0;
    if (b < 128) {
      r.pos = pos;
      return;
    }
  } else {
    for (let i = 0; i < 3; i++) {
      if (pos >= r.len) {
        r.pos = pos;
        throw outOfRange(r);
      }
      b = buf[pos++]!;
      lo = (lo | ((b & 127) << (i * 7))) >>> 0;
      if (b < 128) {
        r.pos = pos;
        return;
      }
    }
    // A missing byte (past the buffer) counts as 0, as in the reader.
    lo = (lo | (((buf[pos++] ?? 0) & 127) << 21)) >>> 0;
    r.pos = pos;
    return;
  }
  const fast = r.len - pos > 4;
  for (let i = 0; i < 5; i++) {
    if (!fast && pos >= r.len) {
      r.pos = pos;
      throw outOfRange(r);
    }
    b = buf[pos++]!;
    hi = (hi | ((b & 127) << (i * 7 + 3))) >>> 0;
    if (b < 128) {
      r.pos = pos;
      return;
    }
  }
  r.pos = pos;
  throw Error('invalid varint encoding');
}

/**
 * An integer in [2^32, 2^53) in decimal, as String(v) prints it but about twice as fast: V8 prints such doubles with
 * its general float printer, and small integers (below 2^31) with a fast one. Addresses (VMA bounds, handlers) are
 * most of a checkpoint's 64-bit values.
 */
export function bigDecimal(v: number): string {
  let high = Math.floor(v / 1e8);
  let low = v - high * 1e8;
  // The division can round up to the next integer just below a multiple of 10^8: the remainder then tells.
  if (low < 0) {
    high--;
    low += 1e8;
  } else if (low >= 1e8) {
    high++;
    low -= 1e8;
  }
  return `${high}${String(low).padStart(8, '0')}`;
}

const SMALL: readonly string[] = Array.from({ length: 1024 }, (_, i) => String(i));

/** lo/hi in decimal, as schemas.ts's Long prints them (exact past 2^53). */
function decimal64(signed: boolean): string {
  // Most 64-bit fields hold small values (signal masks, flags, counters): their strings are made once.
  if (hi === 0 && lo < SMALL.length) return SMALL[lo]!;
  if (hi === 0) return String(lo);
  if (hi < 0x200000) return bigDecimal(hi * 0x100000000 + lo);
  const bits = (BigInt(hi) << 32n) | BigInt(lo);
  return (signed && hi >= 0x80000000 ? BigInt.asIntN(64, bits) : bits).toString();
}

function decodeFields(plan: MessagePlan, r: protobuf.Reader, length: number | undefined, depth: number): Record<string, unknown> {
  if (depth > protobuf.Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
  let end: number;
  let outer = -1;
  if (length === undefined) end = r.len;
  else {
    end = r.pos + length;
    if (end > r.len) throw RangeError('index out of range');
    outer = r.len;
    r.len = end;
  }
  // Written as fields arrive: CRIU writes them in field-number order, which is toObject's order too (after the
  // repeated fields, which are always there). Fields out of order are put in order at the end.
  let out: Record<string, unknown> = {};
  const { repeated } = plan;
  for (let i = 0; i < repeated.length; i++) out[repeated[i]!.name] = [];
  let lastId = 0;
  let inOrder = true;
  while (r.pos < end) {
    const tag = r.uint32();
    const id = tag >>> 3;
    const field = plan.byId[id];
    if (!field) {
      skip(plan, r, tag, depth);
      continue;
    }
    if (!field.repeated) {
      if (id < lastId) inOrder = false;
      else lastId = id;
      out[field.name] = scalar(field, r, depth);
      continue;
    }
    const list = out[field.name] as unknown[];
    // Packed or not, as protobufjs accepts either for every packable type.
    if ((tag & 7) === 2 && field.kind !== Kind.String && field.kind !== Kind.Bytes && field.kind !== Kind.Message) {
      const packedEnd = r.uint32() + r.pos;
      if (packedEnd > r.len) throw RangeError('index out of range');
      r.len = packedEnd;
      while (r.pos < packedEnd) list.push(scalar(field, r, depth));
      if (r.pos !== packedEnd) throw RangeError('index out of range');
      r.len = end;
    } else {
      list.push(scalar(field, r, depth));
    }
  }
  if (outer >= 0) {
    if (r.pos !== end) throw RangeError('index out of range');
    r.len = outer;
  }
  if (!inOrder) {
    const sorted: Record<string, unknown> = {};
    for (const f of plan.fields) if (f.name in out) sorted[f.name] = out[f.name];
    out = sorted;
  }
  return out;
}

/**
 * One record (the bytes of one message) as a plain object, equal to the reference decoder's
 * `toObject(decode(bytes), TO_OBJECT)` with its unknown-field note. Throws what protobufjs's reader throws on bad input.
 */
export function decodePlain(name: MessageName, bytes: Uint8Array): Record<string, unknown> {
  const plan = messagePlan(name);
  noted = undefined;
  const out = decodeFields(plan, protobuf.Reader.create(bytes), undefined, 0);
  const found = noted as Map<string, Set<number>> | undefined;
  if (found) {
    const list: UnknownFields[] = [...found].map(([message, ids]) => ({ message, fields: [...ids].sort((a, b) => a - b) }));
    setUnknownFields(out, list);
  }
  return out;
}

/**
 * Builds the schemas' reflection and the plans of the types every checkpoint has, ahead of use: a caller that must
 * wait anyway (for a decompressor thread to boot) calls it meanwhile.
 */
export function preparePlainDecoder(): void {
  for (const name of ['pagemap_head', 'pagemap_entry', 'mm_entry', 'core_entry', 'fdinfo_entry', 'file_entry'] as const) messagePlan(name);
}
