import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../archive/errors';
import { decodeImage, type DecodedImage } from '../criu/image';
import { IMG_COMMON_MAGIC, INVENTORY_MAGIC } from '../criu/magic';
import { messageType, type MessageName } from '../criu/schemas';
import type { Checkpoint } from './checkpoint';
import { diffReports, renderDiff } from './diff';
import { buildReport } from './report';
import { renderReport } from './text';

// A checkpoint is hostile input: a process may name itself with escape sequences or a newline (prctl PR_SET_NAME,
// argv), and that name reaches the terminal through `stasis inspect` and `stasis diff`.
const le32 = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24];
function encode(name: MessageName, value: Record<string, unknown>): number[] {
  const t = messageType(name);
  return [...t.encode(t.fromObject(value)).finish()];
}
function img(file: string, magic: number[], records: number[][]): DecodedImage {
  const bytes = [...magic];
  for (const r of records) bytes.push(...le32(r.length), ...r);
  return decodeImage(file, Uint8Array.from(bytes), DEFAULT_LIMITS);
}
const common = (kind: number): number[] => [...le32(IMG_COMMON_MAGIC), ...le32(kind)];

const EVIL_COMM = '\x1b]0;pwn\x07x\nfd 9  /etc/shadow';
function checkpoint(pids: number[], label: string): Checkpoint {
  const images = new Map<string, DecodedImage>();
  const add = (i: DecodedImage): void => void images.set(i.file, i);
  add(img('inventory.img', le32(INVENTORY_MAGIC), [encode('inventory_entry', { img_version: 2 })]));
  add(img('pstree.img', common(0x50273030), pids.map((pid) => encode('pstree_entry', { pid, ppid: pid === 1 ? 0 : 1, pgid: 1, sid: 1, threads: [pid] }))));
  for (const pid of pids) add(img(`core-${pid}.img`, common(0x55053847), [encode('core_entry', { mtype: 'X86_64', tc: { task_state: 1, exit_code: 0, comm: pid === 1 ? 'init' : EVIL_COMM } })]));
  return { label, format: 'directory', layout: 'images', images, pages: new Map(), container: { other: [] }, undecoded: [] };
}

const hasControl = (t: string): boolean => [...t].some((c) => c !== '\n' && (c < ' ' || (c >= '\x7f' && c <= '\x9f')));

describe('human-readable reports of a hostile checkpoint', () => {
  it('inspect shows a process name with escape sequences and a newline escaped, on its own line', async () => {
    const plain = renderReport(await buildReport(checkpoint([1], 'a'), { args: false }));
    const text = renderReport(await buildReport(checkpoint([1, 2], 'b\x1b[2J'), { args: false }));
    expect(hasControl(text)).toBe(false);
    expect(text).toContain('2 [\\x1b]0;pwn\\x07x \u21b5 fd 9  /etc/shadow]');
    // One more process, one more line: the newline in the name made none.
    expect(text.split('\n')).toHaveLength(plain.split('\n').length + 1);
  });

  it('diff does the same', async () => {
    const a = await buildReport(checkpoint([1], 'a'), { args: false });
    const b = await buildReport(checkpoint([1, 2], 'b'), { args: false });
    const text = renderDiff(diffReports(a, b));
    expect(hasControl(text)).toBe(false);
    expect(text).toContain('\\x1b]0;pwn');
    expect(text).not.toMatch(/^fd 9/m);
  });
});
