import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIMITS } from '../shared/archive/errors';
import { decodeImage } from '../shared/criu/image';
import { IMG_COMMON_MAGIC } from '../shared/criu/magic';
import { unknownFieldsOf, usePrecompiledSchemas, type PrecompiledSchemas } from '../shared/criu/schemas';
import { precompileSchemas } from './precompile-schemas.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'stasis-precompile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const le32 = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24];
const image = (kindMagic: number, record: number[]): Uint8Array => Uint8Array.from([...le32(IMG_COMMON_MAGIC), ...le32(kindMagic), ...le32(record.length), ...record]);

describe('schemas precompiled by the build', () => {
  it('decode what the run-time code decodes, without generating code at run time', async () => {
    const out = path.join(dir, 'precompiled-schemas.mjs');
    await precompileSchemas(path.resolve(import.meta.dirname, '..'), out);
    const mod = (await import(pathToFileURL(out).href)) as { default: PrecompiledSchemas };
    usePrecompiledSchemas(mod.default);
    const decoder = vi.spyOn(protobuf, 'decoder');
    const converter = vi.spyOn(protobuf.converter, 'toObject');
    const codegen = vi.spyOn(protobuf.util, 'codegen');

    // pstree_entry {pid 1, ppid 0, pgid 1, sid 1, threads [1]} plus field 9, which no schema declares.
    const pstree = decodeImage('pstree.img', image(0x50273030, [0x08, 1, 0x10, 0, 0x18, 1, 0x20, 1, 0x28, 1, 0x48, 5]), DEFAULT_LIMITS);
    expect(pstree.entries[0]).toEqual({ pid: 1, ppid: 0, pgid: 1, sid: 1, threads: [1] });
    expect(unknownFieldsOf(pstree.entries[0]!)).toEqual([{ message: 'pstree_entry', fields: [9] }]);

    // core_entry {mtype X86_64, tc {task_state 1, blk_sigset 2^64-1, comm "x"}}: nested types, an enum, a 64-bit value.
    const tc = [0x08, 1, 0x28, ...Array(9).fill(0xff), 0x01, 0x32, 1, 0x78];
    const core = decodeImage('core-1.img', image(0x55053847, [0x08, 1, 0x1a, tc.length, ...tc]), DEFAULT_LIMITS);
    expect(core.entries[0]).toEqual({ mtype: 'X86_64', tc: { task_state: 1, blk_sigset: '18446744073709551615', comm: 'x', sigactions: [] } });

    expect(decoder).not.toHaveBeenCalled();
    expect(converter).not.toHaveBeenCalled();
    expect(codegen).not.toHaveBeenCalled();
  });
});
