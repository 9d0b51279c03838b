import { MigrationStrategy, type MigrationPlan, type MigrationProgress, type MigrationResult, type PreflightCheck } from '../../../shared/domain/migration';
import { Runtime } from '../../../shared/domain/container';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { mib, parseHostCommand, withSession } from './cli-services';

const MARK: Record<PreflightCheck['verdict'], string> = { ok: 'ok  ', warn: 'warn', fixable: 'fix ', fail: 'FAIL' };

function checklist(checks: PreflightCheck[]): string {
  return checks.map((c) => `  [${MARK[c.verdict]}] ${c.label}: ${c.detail}${c.fix && c.verdict !== 'ok' ? `\n         → ${c.fix}` : ''}`).join('\n');
}

function describePlan(p: MigrationPlan): string {
  return [
    `migrate ${p.container.name} from ${p.sourceHostId} to ${p.destHostId}: ${p.ok ? 'ready' : 'NOT ready'}`,
    checklist(p.checks),
    `strategy: ${p.strategy} — ${p.strategyReason}`,
    `expected downtime: about ${((p.expectedDowntimeMs ?? 0) / 1000).toFixed(1)} s (memory ${mib(p.memoryBytes ?? 0)})`,
  ].join('\n');
}

function describeResult(r: MigrationResult): string {
  return [
    r.message,
    `strategy ${r.strategy}; downtime ${(r.downtimeMs / 1000).toFixed(2)} s; total ${(r.totalMs / 1000).toFixed(2)} s; ${mib(r.bytes)} on the wire`,
    `phases: ${r.phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(2)} s`).join(', ')}`,
  ].join('\n');
}

/** Progress on stderr: one line per phase when not a terminal (logs), an updating line on one. */
function progressLine(io: CliIo, quiet: boolean) {
  const tty = Boolean(process.stderr.isTTY);
  let last = '';
  return (p: MigrationProgress) => {
    if (quiet) return;
    const rate = p.bytesPerSecond ? ` ${mib(p.bytesPerSecond)}/s` : '';
    const eta = p.etaMs !== null && (p.phase === 'transfer' || p.phase === 'pages') ? ` ETA ${(p.etaMs / 1000).toFixed(1)} s` : '';
    const text = `${p.phase}${p.bytes ? ` ${mib(p.bytes)}` : ''}${rate}${eta} (${(p.elapsedMs / 1000).toFixed(1)} s)${p.message ? ` — ${p.message}` : ''}`;
    if (tty) process.stderr.write(`\r\x1b[K${text}`);
    else if (p.phase !== last) io.err(text);
    last = p.phase;
  };
}

export const migrateCommand: CliCommand = {
  usage:
    'stasis migrate SRC_HOST CONTAINER|PID DST_HOST [--runtime podman|process] [--strategy auto|stop-and-copy|lazy|pre-copy] [--keep-source] [--name NEW] ' +
    '[--copy-image] [--check] [--json] [--ssh-config FILE]',
  async run(argv, io) {
    const { values, positionals } = parseHostCommand(argv, {
      strategy: { type: 'string', default: 'auto' },
      'keep-source': { type: 'boolean' },
      name: { type: 'string' },
      'copy-image': { type: 'boolean' },
      check: { type: 'boolean' },
      runtime: { type: 'string', default: 'podman' },
    });
    const [source, container, dest] = positionals;
    if (!source || !container || !dest || positionals.length > 3) throw new UsageError('give SRC_HOST CONTAINER DST_HOST');
    const strategy = MigrationStrategy.safeParse(values.strategy);
    if (!strategy.success) throw new UsageError('--strategy is auto, stop-and-copy, lazy or pre-copy');
    const runtime = Runtime.safeParse(values.runtime);
    if (!runtime.success) throw new UsageError('--runtime is podman, docker or process');
    const input = {
      sourceHostId: source,
      destHostId: dest,
      container,
      runtime: runtime.data,
      strategy: strategy.data,
      keepSource: Boolean(values['keep-source']),
      copyImage: Boolean(values['copy-image']),
      ...(values.name ? { name: values.name } : {}),
    };
    const json = Boolean(values.json);
    return withSession(values, [source, dest], async (s) => {
      // A migration cut off earlier (Stasis killed, link lost) is brought to an end first, and said so.
      const pending = await s.api.migrate.interrupted({ hostId: source });
      for (const m of pending.migrations) {
        io.err(`stasis migrate: found interrupted migration ${m.migrationId} (${m.container} ${m.sourceHostId} → ${m.destHostId}, stopped at "${m.phase}"); settling it`);
        const r = await s.api.migrate.recover({ hostId: m.sourceHostId, migrationId: m.migrationId });
        io.err(`stasis migrate: ${m.migrationId}: ${r.action} — ${r.message}`);
      }
      if (values.check) {
        const plan = await s.api.migrate.check(input);
        io.out(json ? JSON.stringify(plan, null, 2) : describePlan(plan));
        return plan.ok ? 0 : 1;
      }
      const show = progressLine(io, false);
      const off = s.on('migrationProgress', (p) => show(p as MigrationProgress));
      try {
        const r = await s.api.migrate.start(input);
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        io.out(json ? JSON.stringify(r, null, 2) : describeResult(r));
        return r.rolledBack || r.runningOn !== dest ? 1 : 0;
      } finally {
        off();
      }
    });
  },
};
