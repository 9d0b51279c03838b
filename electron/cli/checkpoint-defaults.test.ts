import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CheckpointOptions } from '../../shared/domain/checkpoint';
import { CHECKPOINT_OPTIONS } from '../../shared/domain/checkpoint-options';
import type { Runtime } from '../../shared/domain/container';
import { flagConfig, flagUsage, optionsFromFlags } from './option-flags';
import { withCheckpointDefaults } from '../services/checkpoint-args';
import { initialCheckpointOptions } from '../../renderer/src/components/checkpoint-dialog';

/** What `stasis checkpoint HOST NAME <flags>` sends to the service, with the service's defaults filled in. */
function cliOptions(runtime: Runtime, flags: string[]): CheckpointOptions {
  const { values } = parseArgs({ args: flags, strict: true, options: flagConfig(CHECKPOINT_OPTIONS) });
  return withCheckpointDefaults(runtime, optionsFromFlags(CHECKPOINT_OPTIONS, CheckpointOptions, values));
}

describe('one set of checkpoint defaults (issue 12 item 13)', () => {
  it.each<Runtime>(['podman', 'docker', 'process'])('the dialog starts from the options the CLI uses with no flags (%s)', (runtime) => {
    expect(initialCheckpointOptions(runtime)).toEqual(cliOptions(runtime, []));
    expect(initialCheckpointOptions(runtime).leaveRunning).toBe(true);
  });

  it('the CLI turns leave-running off with --no-leave-running, and refuses both', () => {
    expect(cliOptions('podman', ['--no-leave-running'])).toEqual({ leaveRunning: false, compression: 'zstd' });
    expect(cliOptions('docker', ['--leave-running'])).toEqual({ leaveRunning: true });
    expect(() => cliOptions('process', ['--leave-running', '--no-leave-running'])).toThrow(/not both/);
    expect(flagUsage(CHECKPOINT_OPTIONS)).toContain('[--no-leave-running]');
  });
});
