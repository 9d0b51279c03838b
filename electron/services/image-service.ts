import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { StasisError } from '../../shared/api/errors';
import { diffReports, type ReportDiff } from '../../shared/inspect/diff';
import { buildReport, type InspectReport } from '../../shared/inspect/report';
import { SAMPLE_CHECKPOINT } from '../../shared/inspect/sample';
import { loadCheckpointFile } from '../inspect/load';
import { pathIdentity } from './checkpoint-identity';
import { withStoredArgs } from './stored-args';
import type { HelperClient } from './helper-client';

/**
 * Opens a checkpoint archive or image directory on the machine Stasis runs on and builds the report the image
 * browser shows. The path comes from the renderer, so it is checked here; the reader itself treats the
 * file's contents as untrusted.
 */
export async function inspectPath(p: string): Promise<InspectReport> {
  const { checkpoint, handles } = await loadCheckpointFile(checkedPath(p));
  try {
    return await buildReport(checkpoint);
  } finally {
    await handles.close();
  }
}

export function checkedPath(p: string): string {
  if (p === SAMPLE_CHECKPOINT) return samplePath();
  if (!path.isAbsolute(p) || p.includes('\0')) {
    throw new StasisError('bad-request', `"${p.slice(0, 200)}" is not an absolute path. Give the full path of a checkpoint archive or image directory.`);
  }
  return path.normalize(p);
}

const SAMPLE_REL = path.join('assets', 'sample-checkpoint.tar.zst');

/** The sample checkpoint this build ships: under resources/ when packaged, else beside the sources (walked up to). */
export function samplePath(): string {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = resources ? [path.join(resources, 'sample', 'sample-checkpoint.tar.zst')] : [];
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    candidates.push(path.join(dir, SAMPLE_REL));
    dir = path.dirname(dir);
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new StasisError('not-found', 'This Stasis build does not include the sample checkpoint. Open a checkpoint of your own by its path.');
  return found;
}

/** What changed from checkpoint A (the older) to B. Both are read one after the other, to bound memory. */
export async function diffPaths(a: string, b: string): Promise<ReportDiff> {
  const before = await inspectPath(a);
  const after = await inspectPath(b);
  return { ...diffReports(before, after), identical: await pathIdentity(checkedPath(a), checkedPath(b)) };
}

const HelperImages = z.object({ tar: z.string().max(40 * 1024 * 1024), argsB64: z.string().max(400 * 1024).default('') });

/**
 * A stored checkpoint on any host, as the image browser shows it: the helper sends the CRIU images kept beside
 * the archive (never the memory pages), and they are read like any archive. They land in a private temp file
 * for the reader's random access, and are removed whatever happens.
 */
export async function inspectStored(helper: HelperClient, hostId: string, checkpointId: string): Promise<InspectReport> {
  const { tar, argsB64 } = HelperImages.parse(await helper.call('images', [checkpointId], { timeoutMs: 120_000 }));
  const dir = await mkdtemp(path.join(tmpdir(), 'stasis-images-'));
  try {
    const file = path.join(dir, 'images.tar');
    await writeFile(file, Buffer.from(tar, 'base64'), { mode: 0o600 });
    // Command lines and environments live in the pages: kept beside the images after the first read (stored-args.ts).
    const report = await withStoredArgs(helper, hostId, checkpointId, await inspectPath(file), argsB64);
    return { ...report, source: { ...report.source, path: `${hostId}:${checkpointId}` } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What changed between two stored checkpoints of one host (the older first). */
/** `after` may live on another host (`elsewhere`): both reports are read page-less, each from its own store. */
export async function diffStored(
  helper: HelperClient,
  hostId: string,
  before: string,
  after: string,
  elsewhere?: { helper: HelperClient; hostId: string },
): Promise<ReportDiff> {
  const a = await inspectStored(helper, hostId, before);
  const b = await inspectStored(elsewhere?.helper ?? helper, elsewhere?.hostId ?? hostId, after);
  return { ...diffReports(a, b), identical: before === after && !elsewhere ? 'same-file' : null };
}
