import { STORED_ARGS_MAX_BYTES, StoredArgs, argsOf, missingArgs, withArgs } from '../../shared/domain/stored-args';
import { argEnvCapturePlan } from '../../shared/inspect/memory';
import { buildReport, type InspectReport } from '../../shared/inspect/report';
import type { HelperClient } from './helper-client';
import { callVerb } from './helper-verbs';
import { storedOpener } from './stored-memory';

function parseKept(argsB64: string): StoredArgs | undefined {
  if (!argsB64) return undefined;
  try {
    const parsed = StoredArgs.safeParse(JSON.parse(Buffer.from(argsB64, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A stored checkpoint's page-less report, with the command lines and environments that only its memory pages hold.
 * The first time, the archive is read once as it streams from the helper (only the argument and environment pages
 * are captured), and the decoded text is kept beside the images (`keep-args`); later reads take it from there.
 * Root only stores and returns those bytes; they are parsed here. Any failure leaves the report as it was.
 */
export async function withStoredArgs(helper: HelperClient, hostId: string, checkpointId: string, report: InspectReport, argsB64: string): Promise<InspectReport> {
  const kept = parseKept(argsB64);
  if (kept) return { ...report, processes: withArgs(report.processes, kept) };
  if (!missingArgs(report.processes)) return report;
  let args: StoredArgs;
  try {
    const full = await storedOpener(helper, hostId, checkpointId)({ capture: argEnvCapturePlan }, (cp) => buildReport(cp));
    args = argsOf(full.processes);
  } catch {
    return report;
  }
  const json = JSON.stringify(args);
  if (Buffer.byteLength(json) <= STORED_ARGS_MAX_BYTES) {
    // Best effort: a helper that cannot keep it (older, or a read-only store) costs a stream next time, nothing more.
    await callVerb(helper, 'keep-args', checkpointId, { input: json }).catch(() => undefined);
  }
  return { ...report, processes: withArgs(report.processes, args) };
}
