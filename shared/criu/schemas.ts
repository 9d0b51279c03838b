import protobuf from 'protobufjs';
import { PROTO, type MessageName } from './proto';

// The protobufjs view of the schemas: the reference the hand-written decoder (decode.ts) is tested against, and the
// encoder tests build images with. The reader itself does not load protobufjs.

// Parsed on first use.
let root: protobuf.Root | undefined;

type LongLike = { low: number; high: number; unsigned: boolean; toString(radix?: number): string };

/**
 * 64-bit fields become decimal strings (TO_OBJECT). long.js converts by dividing digit groups in JS; BigInt does the
 * same exactly and natively, which matters for the ~100k such fields (sigaction masks, rlimits, VMA bounds) of a
 * checkpoint of hundreds of processes. protobufjs takes a replacement class through util.Long, its documented hook.
 */
function useDecimalLong(): void {
  const Base = protobuf.util.Long as unknown as (new (low: number, high: number, unsigned?: boolean) => LongLike) | undefined;
  if (!Base || Object.prototype.hasOwnProperty.call(Base, 'decimalStrings')) return;
  class DecimalLong extends Base {
    static readonly decimalStrings = true;
    override toString(radix?: number): string {
      if (radix !== undefined && radix !== 10) return super.toString(radix);
      const lo = this.low >>> 0;
      const hi = this.high >>> 0;
      const negative = !this.unsigned && hi >= 0x80000000;
      if (!negative && hi < 0x200000) return String(hi * 0x100000000 + lo);
      const bits = (BigInt(hi) << 32n) | BigInt(lo);
      return (negative ? BigInt.asIntN(64, bits) : bits).toString();
    }
  }
  (protobuf.util as { Long: unknown }).Long = DecimalLong;
  protobuf.configure();
}

export type { MessageName } from './proto';

const cache = new Map<string, protobuf.Type>();

export function messageType(name: MessageName): protobuf.Type {
  let t = cache.get(name);
  if (!t) {
    if (!root) {
      useDecimalLong();
      root = protobuf.parse(PROTO, { keepCase: true }).root;
    }
    t = root.lookupType(name);
    cache.set(name, t);
  }
  return t;
}

/**
 * Plain-object form: 64-bit values as decimal strings (addresses exceed 2^53), enums by name, bytes as Uint8Array (left as decoded),
 * absent fields absent — close to what crit prints, so the two can be compared field by field.
 */
export const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: false, arrays: true };
