import { describe, expect, it } from 'vitest';
import { messageType, TO_OBJECT } from './schemas';

describe('64-bit fields', () => {
  it('come out as exact decimal strings, unsigned and signed', () => {
    const rlimit = messageType('rlimit_entry');
    const vma = messageType('vma_entry');
    const unsigned = ['0', '1', '4294967295', '4294967296', '9007199254740991', '9007199254740993', '140737488351232', '18446744073709551615'];
    for (const v of unsigned) {
      const bytes = rlimit.encode(rlimit.fromObject({ cur: v, max: v })).finish();
      expect(rlimit.toObject(rlimit.decode(bytes), TO_OBJECT)).toEqual({ cur: v, max: v });
    }
    for (const v of ['-1', '-2', '-4294967296', '-9007199254740993', '-9223372036854775808', '9223372036854775807', '7']) {
      const bytes = vma.encode(vma.fromObject({ fd: v })).finish();
      expect((vma.toObject(vma.decode(bytes), TO_OBJECT) as { fd: string }).fd, v).toBe(v);
    }
  });
});
