import { StasisError } from '../../../shared/api/errors';
import type { EmitEvent } from '../../../shared/api/dispatch';
import type { HostFailure } from '../../../shared/domain/container';
import type { InterruptedMigration, MigrateInput, MigrationPlan, MigrationResult, RecoveryResult } from '../../../shared/domain/migration';
import type { HelperClient } from '../helper-client';

export interface MigrationServiceDeps {
  helperFor(hostId: string): Promise<HelperClient>;
  hostIds(): Promise<string[]>;
  emit?: EmitEvent;
}

/** Migrations between hosts: preflight, the move, cancel, and recovery of interrupted ones from their journals. */
export class MigrationService {
  constructor(private readonly deps: MigrationServiceDeps) {}

  async check(input: MigrateInput): Promise<MigrationPlan> {
    void input;
    throw new StasisError('not-supported', 'Migration is not built yet.');
  }

  async start(input: MigrateInput): Promise<MigrationResult> {
    void input;
    throw new StasisError('not-supported', 'Migration is not built yet.');
  }

  async cancel(operationId: string): Promise<{ cancelled: boolean }> {
    throw new StasisError('not-found', `No running migration ${operationId}.`);
  }

  async interrupted(hostId?: string): Promise<{ migrations: InterruptedMigration[]; errors: HostFailure[] }> {
    void hostId;
    return { migrations: [], errors: [] };
  }

  async recover(hostId: string, migrationId: string): Promise<RecoveryResult> {
    throw new StasisError('not-found', `No interrupted migration ${migrationId} on ${hostId}.`);
  }
}
