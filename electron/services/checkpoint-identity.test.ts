import { linkSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identicalText } from '../../shared/inspect/diff';
import { pathIdentity } from './checkpoint-identity';

const dir = mkdtempSync(path.join(tmpdir(), 'stasis-test-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

// Issue 12 item 8: comparing a checkpoint with itself, or with a copy, must not read as "nothing changed".
describe('pathIdentity', () => {
  it('says same-file for one file however it is named (path, symlink, hard link)', async () => {
    const a = file('a.tar', 'checkpoint bytes');
    symlinkSync(a, path.join(dir, 'link.tar'));
    linkSync(a, path.join(dir, 'hard.tar'));
    expect(await pathIdentity(a, a)).toBe('same-file');
    expect(await pathIdentity(a, path.join(dir, '.', 'link.tar'))).toBe('same-file');
    expect(await pathIdentity(a, path.join(dir, 'hard.tar'))).toBe('same-file');
    expect(identicalText('same-file')).toMatch(/same file/);
  });

  it('says same-content for a byte-identical copy, and nothing for different bytes of the same size', async () => {
    const a = file('b.tar', 'checkpoint bytes');
    expect(await pathIdentity(a, file('copy.tar', 'checkpoint bytes'))).toBe('same-content');
    expect(await pathIdentity(a, file('other.tar', 'checkpoint bytez'))).toBeNull();
    expect(await pathIdentity(a, file('short.tar', 'x'))).toBeNull();
    expect(identicalText('same-content')).toMatch(/same content/);
    expect(identicalText(null)).toBe('');
  });
});
