import { describe, expect, it } from 'vitest';
import { createRootStore } from '.';
import type { HostTestResult } from '../../../shared/domain/ssh-host';
import { fakeApi, manualTime, testDeps } from '../testing/fake-api';

const result = (hostId: string, user: string, via: 'root' | 'sudo'): HostTestResult => ({
  hostId,
  ok: true,
  user,
  latencyMs: 150,
  helper: { installed: true, version: '1.0.2', expected: '1.0.2', upToDate: true, via },
});

describe('hosts slice', () => {
  it('keeps each host’s connection test under that host (stasis-b’s result never shows for stasis-a-op)', async () => {
    const { api } = fakeApi({ hosts: { test: async ({ hostId }) => (hostId === 'stasis-b' ? result(hostId, 'root', 'root') : result(hostId, 'stasisop', 'sudo')) } });
    const store = createRootStore(testDeps(api, manualTime().deps));
    await store.getState().testHost('stasis-b');
    expect(store.getState().checks['stasis-a-op']).toBeUndefined();
    await store.getState().testHost('stasis-a-op');
    expect(store.getState().checks['stasis-b']?.result?.user).toBe('root');
    expect(store.getState().checks['stasis-a-op']?.result).toMatchObject({ user: 'stasisop', helper: { via: 'sudo' } });
  });

  it('turns an unknown host key into a prompt for that host, and a failed test into that host’s problem', async () => {
    const { ApiError } = await import('../../../shared/api/client');
    const { api } = fakeApi({
      hosts: {
        test: async ({ hostId }) => {
          if (hostId === 'new') throw new ApiError('host-key-unknown', 'The host presents a key Stasis has not seen.', 'SHA256:abcdefgh');
          throw new ApiError('host-unreachable', 'Cannot reach ux-bogus on port 22.');
        },
      },
    });
    const store = createRootStore(testDeps(api, manualTime().deps));
    await store.getState().testHost('new');
    expect(store.getState().prompt).toEqual({ kind: 'host-key', hostId: 'new', fingerprint: 'SHA256:abcdefgh', message: 'The host presents a key Stasis has not seen.' });
    await store.getState().testHost('ux-bogus');
    expect(store.getState().checks['ux-bogus']?.problem?.message).toBe('Cannot reach ux-bogus on port 22.');
    expect(store.getState().checks['new']?.problem?.code).toBe('host-key-unknown');
  });

  it('returns the add-host problem to the dialog in the app’s words', async () => {
    const { ApiError } = await import('../../../shared/api/client');
    const { api } = fakeApi({ hosts: { add: async () => Promise.reject(new ApiError('bad-request', 'Invalid input for hosts.add: a host name or address.')) } });
    const store = createRootStore(testDeps(api, manualTime().deps));
    const out = await store.getState().addHost({ id: 'x', hostName: 'bad host' });
    expect(out).toEqual({ ok: false, problem: { code: 'bad-request', message: 'That value is not accepted: a host name or address.' } });
  });
});
