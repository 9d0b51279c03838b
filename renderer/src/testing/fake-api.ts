import type { StasisClient } from '../../../shared/api/contract';
import { storeDeps, type StoreDeps } from '../store';

type Handlers = { [G in keyof StasisClient]?: Partial<StasisClient[G]> };

/**
 * An API for store and component tests: the replies a test gives, and a clear failure for any request it did not
 * expect (the real backend is covered by the e2e suite). Records every call.
 */
export function fakeApi(handlers: Handlers): { api: StasisClient; calls: Array<{ channel: string; input: unknown }> } {
  const calls: Array<{ channel: string; input: unknown }> = [];
  const api = new Proxy({} as StasisClient, {
    get(_t, group: string) {
      return new Proxy(
        {},
        {
          get(_u, name: string) {
            return (input: unknown) => {
              calls.push({ channel: `${group}.${name}`, input });
              const fn = (handlers as Record<string, Record<string, ((i: unknown) => Promise<unknown>) | undefined> | undefined>)[group]?.[name];
              if (!fn) return Promise.reject(new Error(`unexpected request ${group}.${name}`));
              return fn(input);
            };
          },
        },
      );
    },
  });
  return { api, calls };
}

/** A manual clock and timer queue, so fading notices and long-job notifications are tested without waiting. */
export function manualTime(): { deps: Pick<StoreDeps, 'now' | 'setTimeout'>; advance(ms: number): void; now(): number } {
  let now = 1_700_000_000_000;
  let timers: Array<{ at: number; f: () => void }> = [];
  return {
    deps: { now: () => now, setTimeout: (f, ms) => timers.push({ at: now + ms, f }) },
    now: () => now,
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.f();
    },
  };
}

export function testDeps(api: StasisClient, extra: Partial<StoreDeps> = {}): StoreDeps {
  let n = 0;
  return storeDeps({ api, newId: (p) => `${p}-test-${(n++).toString().padStart(4, '0')}`, ...extra });
}
