import { describe, expect, it } from 'vitest';
import { CheckpointService } from './checkpoint-service';
import type { HelperClient } from './helper-client';

// The real copy between hosts is checkpoint-copy.system.test.ts; a cut-off in mid-stream (a cancel while bytes are
// still flowing) cannot be timed with a real checkpoint that small, so here the sender is a stand-in that never ends.
const ID = 'ck-20261129101010-aaaaaaaa';

function endlessSender() {
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  async function* bytes(): AsyncGenerator<Uint8Array> {
    yield new Uint8Array(1024);
    await stopped;
    throw new Error('The data from the Stasis helper on stasis-a ended early.');
  }
  return { stream: async () => ({ bytes: bytes(), stop }) } as unknown as HelperClient;
}

/** A receiver that reads its stdin to the end, as the helper's receive does, and fails when it breaks off. */
const receiver = {
  call: async (_verb: string, _args: string[], options: { stdin?: AsyncIterable<Uint8Array> }) => {
    for await (const chunk of options.stdin!) void chunk;
    throw new Error('not reached');
  },
} as unknown as HelperClient;

describe('checkpoints.copy', () => {
  it('refuses a copy onto the host that stores it', async () => {
    const s = new CheckpointService({ helperFor: async () => receiver, hostIds: async () => [] });
    await expect(s.copy({ fromHostId: 'stasis-a', checkpointId: ID, toHostId: 'stasis-a' })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('cancels a copy in mid-stream: the sender is ended and the error says the source still has it', async () => {
    const events: Array<{ phase: string }> = [];
    const s = new CheckpointService({
      helperFor: async (h) => (h === 'stasis-a' ? endlessSender() : receiver),
      hostIds: async () => [],
      emit: ((_name: string, p: { phase: string }) => events.push(p)) as never,
    });
    const copying = s.copy({ fromHostId: 'stasis-a', checkpointId: ID, toHostId: 'stasis-b', operationId: 'icopy-cancel-1' });
    const outcome = copying.catch((e: unknown) => e);
    await expect.poll(async () => (await s.cancel('icopy-cancel-1').catch(() => ({ cancelled: false }))).cancelled).toBe(true);
    expect(await outcome).toMatchObject({ code: 'cancelled', message: expect.stringContaining('stasis-a still has it') });
    expect(events[0]).toMatchObject({ phase: 'copy' });
    // Finished: nothing left to cancel.
    await expect(s.cancel('icopy-cancel-1')).rejects.toMatchObject({ code: 'not-found' });
  });
});
