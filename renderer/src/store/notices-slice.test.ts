import { describe, expect, it } from 'vitest';
import { createRootStore } from '.';
import { fakeApi, manualTime, testDeps } from '../testing/fake-api';
import { NOTICE_FADE_MS } from './notices-slice';

describe('notices slice', () => {
  it('fades success notices and keeps errors until dismissed', () => {
    const time = manualTime();
    const store = createRootStore(testDeps(fakeApi({}).api, time.deps));
    store.getState().notify({ tone: 'ok', text: 'Saved.', hostId: 'stasis-a' });
    const err = store.getState().notify({ tone: 'error', text: 'Cannot reach ux-bogus.', hostId: 'ux-bogus' });
    expect(store.getState().notices.map((n) => n.text)).toEqual(['Saved.', 'Cannot reach ux-bogus.']);
    time.advance(NOTICE_FADE_MS);
    expect(store.getState().notices.map((n) => n.text)).toEqual(['Cannot reach ux-bogus.']);
    store.getState().dismissNotice(err);
    expect(store.getState().notices).toEqual([]);
  });

  it('says the same thing about the same host once', () => {
    const store = createRootStore(testDeps(fakeApi({}).api, manualTime().deps));
    store.getState().notify({ tone: 'error', text: 'Down.', hostId: 'a' });
    store.getState().notify({ tone: 'error', text: 'Down.', hostId: 'a' });
    store.getState().notify({ tone: 'error', text: 'Down.', hostId: 'b' });
    expect(store.getState().notices.map((n) => n.hostId)).toEqual(['a', 'b']);
  });
});
