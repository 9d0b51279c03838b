import { describe, expect, it } from 'vitest';
import { LineCollector, localRunner } from './command-runner';
import { localExec } from './exec';

async function* chunks(count: number, size: number, failAt?: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    if (i === failAt) throw new Error('source broke');
    yield new Uint8Array(size).fill(i & 0xff);
  }
}

describe('command runner stdin streaming', () => {
  it('streams 64 MiB into a local program, in order and complete', async () => {
    const r = await localRunner.run(['sha256sum'], { stdin: chunks(256, 256 * 1024) });
    const { createHash } = await import('node:crypto');
    const h = createHash('sha256');
    for await (const c of chunks(256, 256 * 1024)) h.update(c);
    expect(r.code).toBe(0);
    expect(r.stdout.split(' ')[0]).toBe(h.digest('hex'));
  });

  it('pulls from the source only as fast as the program reads (backpressure)', async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 1024; i++) {
        pulled++;
        yield new Uint8Array(1024 * 1024);
      }
    }
    // head reads 1 MiB and exits: the rest must not have been pulled into memory.
    const r = await localRunner.run(['head', '-c', '1048576'], { stdin: counted() });
    expect(r.code).toBe(0);
    expect(pulled).toBeLessThan(64);
  });

  it('stops the program and reports when the source fails', async () => {
    const r = await localRunner.run(['cat'], { stdin: chunks(100, 65536, 10) });
    expect(r.inputError?.message).toBe('source broke');
    expect(r.code).not.toBe(0);
  });

  it('localExec streams stdin too', async () => {
    const r = await localExec(['wc', '-c'], { stdin: chunks(16, 65536) });
    expect(r.stdout.trim()).toBe(String(16 * 65536));
  });
});

describe('LineCollector', () => {
  it('gives each line once, whatever the chunks cut, and the unended last line at the end', () => {
    const lines: string[] = [];
    const c = new LineCollector((l) => lines.push(l));
    for (const chunk of ['a', 'b\nc', 'd\n\ne', 'f', '\ng\nh']) c.push(chunk);
    expect(lines).toEqual(['ab', 'cd', '', 'ef', 'g']);
    c.end();
    expect(lines).toEqual(['ab', 'cd', '', 'ef', 'g', 'h']);
    expect(c.text).toBe('ab\ncd\n\nef\ng\nh');
  });

  it('joins a line of many chunks (a helper reply of megabytes) into one', () => {
    const lines: string[] = [];
    const c = new LineCollector((l) => lines.push(l));
    const piece = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 160; i++) c.push(piece);
    c.push('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBe(160 * 64 * 1024);
  });
});
