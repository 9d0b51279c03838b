import path from 'node:path';
import { StasisError } from '../../shared/api/errors';
import { diffReports, type ReportDiff } from '../../shared/inspect/diff';
import { buildReport, type InspectReport } from '../../shared/inspect/report';
import { loadCheckpointFile } from '../inspect/load';

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

function checkedPath(p: string): string {
  if (!path.isAbsolute(p) || p.includes('\0')) {
    throw new StasisError('bad-request', `"${p.slice(0, 200)}" is not an absolute path. Give the full path of a checkpoint archive or image directory.`);
  }
  return path.normalize(p);
}

/** What changed from checkpoint A (the older) to B. Both are read one after the other, to bound memory. */
export async function diffPaths(a: string, b: string): Promise<ReportDiff> {
  const before = await inspectPath(a);
  const after = await inspectPath(b);
  return diffReports(before, after);
}
