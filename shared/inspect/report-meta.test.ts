import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../archive/errors';
import { decodeImage, type DecodedImage } from '../criu/image';
import { IMG_COMMON_MAGIC, INVENTORY_MAGIC } from '../criu/magic';
import { messageType, type MessageName } from '../criu/schemas';
import { InspectReportSchema } from '../domain/inspect-report';
import type { Checkpoint } from './checkpoint';
import { buildReport, exitOf } from './report';
import { renderReport } from './text';

function le32(n: number): number[] {
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24];
}

function encode(name: MessageName, value: Record<string, unknown>, extra: number[] = []): number[] {
  const t = messageType(name);
  return [...t.encode(t.fromObject(value)).finish(), ...extra];
}

function img(file: string, magic: number[], records: number[][]): DecodedImage {
  const bytes = [...magic];
  for (const r of records) bytes.push(...le32(r.length), ...r);
  return decodeImage(file, Uint8Array.from(bytes), DEFAULT_LIMITS);
}

const common = (kind: number): number[] => [...le32(IMG_COMMON_MAGIC), ...le32(kind)];

/** Three processes: a live parent, a zombie that exited 3, a zombie killed by SIGKILL; pstree carries field 9 no schema knows. */
function checkpoint(container: Checkpoint['container'] = { other: [] }): Checkpoint {
  const images = new Map<string, DecodedImage>();
  const add = (i: DecodedImage): void => void images.set(i.file, i);
  add(img('inventory.img', le32(INVENTORY_MAGIC), [encode('inventory_entry', { img_version: 2 })]));
  add(img('pstree.img', common(0x50273030), [
    encode('pstree_entry', { pid: 1, ppid: 0, pgid: 1, sid: 1, threads: [1] }, [0x48, 0x01]),
    encode('pstree_entry', { pid: 2, ppid: 1, pgid: 1, sid: 1, threads: [2] }),
    encode('pstree_entry', { pid: 3, ppid: 1, pgid: 1, sid: 1, threads: [3] }),
  ]));
  const core = (state: number, exit: number, comm: string): number[][] => [encode('core_entry', { mtype: 'X86_64', tc: { task_state: state, exit_code: exit, comm } })];
  add(img('core-1.img', common(0x55053847), core(1, 0, 'init')));
  add(img('core-2.img', common(0x55053847), core(2, 3 << 8, 'exited')));
  add(img('core-3.img', common(0x55053847), core(2, 9, 'killed')));
  return { label: 'test', format: 'directory', layout: 'container', images, pages: new Map(), container, undecoded: [
    { file: 'route-9.img', reason: 'raw data (not protobuf), listed only' },
    { file: 'tmpfs-dev-7.tar.gz.img', reason: 'raw data (not protobuf), listed only', size: 370 },
  ] };
}

describe('zombie exit status', () => {
  it('splits the raw wait status the way waitpid does', () => {
    expect(exitOf(0)).toEqual({ exitCode: 0 });
    expect(exitOf(3 << 8)).toEqual({ exitCode: 3 });
    expect(exitOf(255 << 8)).toEqual({ exitCode: 255 });
    expect(exitOf(9)).toEqual({ exitSignal: 9 });
    expect(exitOf(0x80 | 11)).toEqual({ exitSignal: 11 }); // killed by SIGSEGV, core dumped
  });

  it('is exposed per process and rendered as "exit 3" / "killed by SIGKILL"', async () => {
    const r = await buildReport(checkpoint(), { args: false });
    const [init, exited, killed] = r.processes;
    expect(init).not.toHaveProperty('exitCode');
    expect(exited).toMatchObject({ state: 'zombie', exitCode: 3 });
    expect(exited).not.toHaveProperty('exitSignal');
    expect(killed).toMatchObject({ state: 'zombie', exitSignal: 9 });
    expect(killed).not.toHaveProperty('exitCode');
    const text = renderReport(r);
    expect(text).toMatch(/^ {4}2 \[exited\] {2}\(zombie, exit 3, /m);
    expect(text).toMatch(/^ {4}3 \[killed\] {2}\(zombie, killed by SIGKILL, /m);
    expect(InspectReportSchema.parse(r).processes[2]!.exitSignal).toBe(9);
  });
});

describe('undecoded list', () => {
  it('names the file, message type and field numbers of fields no schema declares', async () => {
    const r = await buildReport(checkpoint(), { args: false });
    expect(r.undecoded).toContainEqual({ file: 'pstree.img', message: 'pstree_entry', fields: [9], reason: expect.stringContaining('9') });
    expect(InspectReportSchema.parse(r).undecoded).toEqual(r.undecoded);
    const text = renderReport(r);
    expect(text).toContain('unknown fields: pstree.img pstree_entry 9');
    expect(text).toContain('raw, not protobuf: route-9.img, tmpfs-dev-7.tar.gz.img (370 bytes)');
    expect(text).not.toContain('not decoded:');
  });
});

describe('container metadata', () => {
  it('takes the CRIU version from podman\'s checkpoint annotation, as podman numbers it', async () => {
    const spec = { annotations: { 'io.podman.annotations.checkpoint.criu.version': '40101' } };
    const r = await buildReport(checkpoint({ other: [], config: { name: 'c', spec }, spec }), { args: false });
    expect(r.container?.criuVersion).toBe('4.1.1');
  });
});
