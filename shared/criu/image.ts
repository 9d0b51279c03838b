import { CorruptImageError, type ReaderLimits } from '../archive/errors';
import { IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC, INVENTORY_MAGIC, KIND_BY_MAGIC, isRawImageName, type ImageKind } from './magic';
import { decodePlain } from './plain-decode';
import { messageType, TO_OBJECT, type MessageName } from './schemas';

/** A decoded entry: protobuf fields by CRIU's names; 64-bit numbers are decimal strings, enums are names. */
export type Entry = Record<string, unknown>;

export interface DecodedImage {
  /** File name inside the checkpoint, e.g. "core-1.img". */
  file: string;
  /** crit's name for the image kind ("CORE", "FILES"…), "RAW" for magic-less files, "UNKNOWN" otherwise. */
  kind: string;
  entries: Entry[];
  /** Payload bytes that follow entries (queued pipe/socket data, ghost file contents): counted, never kept. */
  extraBytes: number;
  /** Why this image (or its tail) was not decoded; absent when it was decoded completely. */
  undecoded?: string;
}

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

export function readMagic(bytes: Uint8Array): { kind?: ImageKind; magic: number; headerBytes: number } | undefined {
  if (bytes.length < 4) return undefined;
  const first = u32(bytes, 0);
  if (first === INVENTORY_MAGIC) return { kind: KIND_BY_MAGIC.get(first), magic: first, headerBytes: 4 };
  if (first !== IMG_COMMON_MAGIC && first !== IMG_SERVICE_MAGIC) return undefined;
  if (bytes.length < 8) return undefined;
  const second = u32(bytes, 4);
  const kind = KIND_BY_MAGIC.get(second);
  return kind ? { kind, magic: second, headerBytes: 8 } : { magic: second, headerBytes: 8 };
}

/** Decodes one record to its plain-object form. */
export type RecordDecoder = (name: MessageName, payload: Uint8Array) => Entry;

/** protobufjs's decode and toObject: the reference the plain decoder (used by default) must equal. */
export const decodeReference: RecordDecoder = (name, payload) => {
  const type = messageType(name);
  return type.toObject(type.decode(payload), TO_OBJECT) as Entry;
};

function decodeMessage(file: string, name: MessageName, payload: Uint8Array, decode: RecordDecoder): Entry {
  try {
    return decode(name, payload);
  } catch (err) {
    throw new CorruptImageError(`${file}: a ${name} record is not valid protobuf`, (err as Error).message);
  }
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return 0;
}

/** Payload bytes that follow one entry in images that carry them. */
function extraAfter(layout: ImageKind['layout'], entry: Entry): number {
  switch (layout) {
    case 'pipe-data':
      return num(entry['bytes']);
    case 'sk-queues':
      return num(entry['length']);
    case 'tcp-stream':
      return num(entry['inq_len']) + num(entry['outq_len']);
    case 'bpfmap-data':
      return num(entry['keys_bytes']) + num(entry['values_bytes']);
    default:
      return 0;
  }
}

/** CRIU pads System V semaphore values and message texts to 8 bytes (round_up(…, sizeof(u64)) in criu/ipc_ns.c). */
function roundUp8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/**
 * Decodes one CRIU image held in memory. `totalSize` is the file's real size when only its head was read (ghost
 * files carry whole file contents after their first record; Stasis reads just the record).
 */
export function decodeImage(file: string, bytes: Uint8Array, limits: ReaderLimits, totalSize = bytes.length, decode: RecordDecoder = decodePlain): DecodedImage {
  const decoder = new ImageDecoder(file, bytes, limits, totalSize, decode);
  for (;;) {
    const image = decoder.step(Infinity);
    if (image) return image;
  }
}

/**
 * decodeImage a few records at a time, so a reader can spread decoding over the moments it would otherwise wait for
 * input (a checkpoint's page data streaming past) instead of doing it all while the input waits. The header is
 * checked at once; errors of a record surface from the step that reaches it, as the same CorruptImageErrors.
 */
export class ImageDecoder {
  private result: DecodedImage | undefined;
  private readonly kind: ImageKind | undefined;
  private readonly entries: Entry[] = [];
  private extraBytes = 0;
  private at = 0;
  // Dropped once decoded: the raw bytes are garbage from then on.
  private bytes: Uint8Array;

  constructor(
    readonly file: string,
    bytes: Uint8Array,
    private readonly limits: ReaderLimits,
    private readonly totalSize = bytes.length,
    private readonly decode: RecordDecoder = decodePlain,
  ) {
    this.bytes = bytes;
    if (isRawImageName(file)) {
      this.result = { file, kind: 'RAW', entries: [], extraBytes: totalSize, undecoded: 'raw data, not protobuf' };
      return;
    }
    const head = readMagic(bytes);
    if (!head) {
      if (bytes.length < 8) throw new CorruptImageError(`${file}: too short to be a CRIU image (${bytes.length} bytes)`);
      throw new CorruptImageError(`${file}: not a CRIU image (magic 0x${u32(bytes, 0).toString(16)})`);
    }
    const kind = head.kind;
    if (!kind) {
      this.result = { file, kind: 'UNKNOWN', entries: [], extraBytes: 0, undecoded: `unknown image magic 0x${head.magic.toString(16)}` };
      return;
    }
    if (!kind.message) {
      this.result = { file, kind: kind.name, entries: [], extraBytes: 0, undecoded: 'no schema for this image kind' };
      return;
    }
    this.kind = kind;
    this.at = head.headerBytes;
  }

  /** The image once complete (now or earlier), else undefined after decoding up to `records` more records. */
  step(records: number): DecodedImage | undefined {
    if (this.result) return this.result;
    const { file, bytes, limits, entries } = this;
    const kind = this.kind!;
    let at = this.at;
    for (let n = 0; n < records && at < bytes.length; n++) {
      if (bytes.length - at < 4) throw new CorruptImageError(`${file}: truncated record header at byte ${at}`);
      const size = u32(bytes, at);
      at += 4;
      if (size > limits.maxEntryBytes) throw new CorruptImageError(`${file}: a record claims ${size} bytes, more than the ${limits.maxEntryBytes}-byte cap`);
      if (size > bytes.length - at) throw new CorruptImageError(`${file}: truncated record at byte ${at - 4} (needs ${size} bytes, ${bytes.length - at} left)`);
      const message: MessageName = kind.layout === 'pagemap' && entries.length === 0 ? 'pagemap_head' : kind.message!;
      const entry = decodeMessage(file, message, bytes.subarray(at, at + size), this.decode);
      at += size;
      entries.push(entry);
      if (kind.layout === 'ghost') {
        // The rest is the file's contents (or chunk records with contents); only the header matters to a viewer.
        this.extraBytes = this.totalSize - at;
        return this.finish();
      }
      const extra = kind.layout === 'ipc-msg' ? this.skipMessages(entry, at) : kind.layout === 'ipc-sem' ? roundUp8(num(entry['nsems']) * 2) : extraAfter(kind.layout, entry);
      if (extra > bytes.length - at) throw new CorruptImageError(`${file}: record payload of ${extra} bytes runs past the end of the image`);
      at += extra;
      this.extraBytes += extra;
    }
    this.at = at;
    return at < bytes.length ? undefined : this.finish();
  }

  /**
   * Bytes taken by the messages queued after an ipc_msg_entry at `from`: `qnum` times (u32 length, ipc_msg record,
   * msize bytes of text padded to 8). Every length is checked before use, so a corrupt count or size ends in a
   * CorruptImageError; each message takes at least 4 bytes, so a huge qnum runs out of image quickly instead of looping.
   */
  private skipMessages(entry: Entry, from: number): number {
    const { file, bytes, limits } = this;
    const qnum = num(entry['qnum']);
    let at = from;
    for (let i = 0; i < qnum; i++) {
      if (bytes.length - at < 4) throw new CorruptImageError(`${file}: queue claims ${qnum} messages, image ends after ${i}`);
      const size = u32(bytes, at);
      at += 4;
      if (size > limits.maxEntryBytes) throw new CorruptImageError(`${file}: a message header claims ${size} bytes, more than the ${limits.maxEntryBytes}-byte cap`);
      if (size > bytes.length - at) throw new CorruptImageError(`${file}: truncated message header at byte ${at - 4} (needs ${size} bytes, ${bytes.length - at} left)`);
      const msg = decodeMessage(file, 'ipc_msg', bytes.subarray(at, at + size), this.decode);
      at += size;
      const text = roundUp8(num(msg['msize']));
      if (text > bytes.length - at) throw new CorruptImageError(`${file}: message text of ${text} bytes runs past the end of the image`);
      at += text;
    }
    return at - from;
  }

  /** The first record, decoding only as far as it (an image without records: undefined). */
  first(): Entry | undefined {
    if (!this.result && this.entries.length === 0) this.step(1);
    return (this.result?.entries ?? this.entries)[0];
  }

  private finish(): DecodedImage {
    this.result = { file: this.file, kind: this.kind!.name, entries: this.entries, extraBytes: this.extraBytes };
    this.bytes = new Uint8Array(0);
    return this.result;
  }
}
