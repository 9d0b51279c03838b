import { describe, expect, it } from 'vitest';
import { createClient } from './client';
import { createDispatch } from './dispatch';
import { StasisError } from './errors';
import type { StasisHandlers } from './contract';
import type { Transport } from './transport';

const caps = {
  hostname: 'h', kernel: '6.1', arch: 'x86_64',
  criu: { found: true, version: '4.1', check: 'Looks good.', checkPassed: true },
  podman: { found: true, version: '4.3.1', runtime: 'runc', canCheckpoint: true },
  docker: { found: false, canCheckpoint: false },
  elevation: 'root' as const, elevationNote: 'root', probedAt: '2026-01-01T00:00:00Z',
};

function handlers(overrides: Partial<StasisHandlers<unknown>['hosts']> = {}): StasisHandlers<unknown> {
  return {
    app: { info: async () => ({ name: 'Stasis', version: '1', mode: 'browser', platform: 'linux' }) },
    hosts: {
      list: async () => [],
      probe: async () => caps,
      sshConfig: async () => [],
      ...overrides,
    },
  } as unknown as StasisHandlers<unknown>;
}

describe('createDispatch', () => {
  it('refuses unknown channels and prototype keys before any handler runs', async () => {
    const d = createDispatch(handlers());
    for (const ch of ['nope.x', 'hosts.nope', '__proto__.x', 'hosts.constructor', 'hosts', '']) {
      const r = await d(ch, {}, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    }
  });

  it('validates input against the contract', async () => {
    let called = false;
    const d = createDispatch(handlers({ probe: async () => ((called = true), caps) }));
    expect(await d('hosts.probe', { hostId: '' }, {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await d('hosts.probe', { hostId: 'x', extra: 1 }, {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await d('hosts.probe', 'not an object', {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(called).toBe(false);
    expect(await d('hosts.probe', { hostId: 'local' }, {})).toMatchObject({ ok: true });
  });

  it('keeps a StasisError code and message, and hides other errors behind internal', async () => {
    const d = createDispatch(
      handlers({
        probe: async () => {
          throw new StasisError('host-unreachable', 'Cannot reach h. Check the network.');
        },
        list: async () => {
          throw new TypeError('boom');
        },
      }),
    );
    expect(await d('hosts.probe', { hostId: 'h' }, {})).toEqual({ ok: false, error: { code: 'host-unreachable', message: 'Cannot reach h. Check the network.' } });
    expect(await d('hosts.list', {}, {})).toMatchObject({ ok: false, error: { code: 'internal', detail: 'boom' } });
  });

  it('refuses a handler reply that breaks the contract', async () => {
    const d = createDispatch(handlers({ list: async () => [{ id: 1 }] as never }));
    expect(await d('hosts.list', {}, {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('createClient', () => {
  const loopback = (h: StasisHandlers<unknown>): Transport => {
    const d = createDispatch(h);
    return { invoke: (c, i) => d(c, i, {}), on: () => () => {} };
  };

  it('returns validated values and throws ApiError with the code', async () => {
    const client = createClient(loopback(handlers({ list: async () => { throw new StasisError('busy', 'Busy. Try again.'); } })));
    expect((await client.hosts.probe({ hostId: 'local' })).criu.version).toBe('4.1');
    await expect(client.hosts.list({})).rejects.toMatchObject({ name: 'ApiError', code: 'busy', message: 'Busy. Try again.' });
  });

  it('turns a malformed reply into an internal error', async () => {
    const client = createClient({ invoke: async () => ({ weird: true }), on: () => () => {} });
    await expect(client.app.info({})).rejects.toMatchObject({ code: 'internal' });
  });
});
