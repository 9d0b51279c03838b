import { describe, expect, it } from 'vitest';
import { StreamByteReader } from './byte-reader';
import { withLimits } from './errors';
import { readTar, safePath, type TarMember } from './tar';

const LIMITS = withLimits();

/** One ustar header; `size` and `mode` are written as given (the reader's number parsing is what is tested). */
function header(name: Uint8Array | string, size: string, mode = '0000644\0'): Uint8Array {
  const h = new Uint8Array(512);
  h.set(typeof name === 'string' ? new TextEncoder().encode(name) : name, 0);
  h.set(new TextEncoder().encode(mode), 100);
  h.set(new TextEncoder().encode(size), 124);
  h.set(new TextEncoder().encode('00000000000\0'), 136);
  h[156] = 0x30;
  h.set(new TextEncoder().encode('ustar\x0000'), 257);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
  return h;
}

async function members(...blocks: Uint8Array[]): Promise<TarMember[]> {
  const all = new Uint8Array(blocks.reduce((s, b) => s + b.length, 0) + 1024);
  let at = 0;
  for (const b of blocks) {
    all.set(b, at);
    at += b.length;
  }
  const out: TarMember[] = [];
  await readTar(new StreamByteReader((async function* () { yield all; })()), { limits: LIMITS, allowOutsideLinks: false }, (m) => {
    out.push(m);
  });
  return out;
}

describe('tar headers', () => {
  it('reads sizes written with NUL, space or both, and with leading spaces', async () => {
    for (const size of ['00000000012\0', '00000000012 ', '     12 \0\0\0\0', '12\0\0\0\0\0\0\0\0\0\0']) {
      const [m] = await members(header('a', size), new Uint8Array(512));
      expect(m?.size, JSON.stringify(size)).toBe(10);
    }
  });

  it('reads an empty size field as 0 and GNU base-256 sizes', async () => {
    expect((await members(header('a', '\0\0\0\0\0\0\0\0\0\0\0\0')))[0]?.size).toBe(0);
    const big = header('b', '');
    big.set([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00], 124);
    big.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of big) sum += b;
    big.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    expect((await members(big, new Uint8Array(512)))[0]?.size).toBe(512);
  });

  it('refuses sizes that are not octal numbers', async () => {
    await expect(members(header('a', '0000000001x\0'))).rejects.toThrow(/size is not an octal number \("0000000001x"\)/);
    await expect(members(header('a', '12 34\0\0\0\0\0\0\0'))).rejects.toThrow(/not an octal number/);
  });

  it('decodes UTF-8 names and keeps ASCII ones as they are', async () => {
    const name = new TextEncoder().encode('checkpoint/dätä.img');
    const [m] = await members(header(name, '00000000000\0'));
    expect(m?.path).toBe('checkpoint/dätä.img');
  });
});

describe('safePath', () => {
  it('normalises "./", "//" and trailing slashes, keeps normal names', () => {
    expect(safePath('checkpoint/core-1.img', LIMITS)).toBe('checkpoint/core-1.img');
    expect(safePath('./checkpoint//core-1.img', LIMITS)).toBe('checkpoint/core-1.img');
    expect(safePath('checkpoint/', LIMITS)).toBe('checkpoint');
    expect(safePath('.', LIMITS)).toBe('');
    expect(safePath('a/.b/..c', LIMITS)).toBe('a/.b/..c');
  });

  it('refuses paths that escape', () => {
    expect(() => safePath('a/../../b', LIMITS)).toThrow(/escapes/);
    expect(() => safePath('/etc/passwd', LIMITS)).toThrow(/absolute/);
    expect(() => safePath('..', LIMITS)).toThrow(/escapes/);
  });
});
