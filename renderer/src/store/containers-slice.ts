import type { Checkpoint } from '../../../shared/domain/checkpoint';
import type { ContainerSummary } from '../../../shared/domain/container';
import { ApiError } from '../../../shared/api/client';
import { appWords, toProblem, type Problem } from './messages';
import type { SliceCreator } from './types';

/** What one host last answered: its containers and stored checkpoints, or why it could not. */
export interface HostListing {
  loading: boolean;
  containers: ContainerSummary[];
  checkpoints: Checkpoint[];
  problem?: Problem;
  loadedAt?: number;
}

/** What the timeline charts beyond a checkpoint's record: read once from its stats (checkpoints.inspect). */
export interface CheckpointFacts {
  /** How long the workload was frozen, from CRIU's statistics, when the runtime printed them. */
  frozenMs?: number;
  loaded: boolean;
}

/** podman --print-stats: `{ criu_statistics: { frozen_time: µs } }`; anything else yields nothing. */
export function frozenMsOf(stats: unknown): number | undefined {
  const criu = (stats as { criu_statistics?: { frozen_time?: unknown } } | null)?.criu_statistics;
  const us = criu?.frozen_time;
  return typeof us === 'number' && Number.isFinite(us) ? us / 1000 : undefined;
}

export interface ContainersSlice {
  /** Per `host:checkpoint`. */
  facts: Record<string, CheckpointFacts>;
  loadFacts(hostId: string, checkpointId: string): Promise<void>;
  /** Keyed by host id: a host that is down or slow never holds up the others. */
  listings: Record<string, HostListing>;
  refreshHost(hostId: string): Promise<void>;
  /** Every known host at once, each on its own. */
  refreshAll(): Promise<void>;
  /**
   * While set, refreshAll waits (a deep link to an image paints first: each list runs the helper on its host, on the
   * same server that reads the image). releaseLists() clears it and does the refresh that waited, if any.
   */
  listsHeld: boolean;
  holdLists(): void;
  releaseLists(): void;
  /** Refreshes a host soon, once, however many events ask (events come in bursts). */
  refreshSoon(hostId: string): void;
  forgetHost(hostId: string): void;
}

export const EMPTY_LISTING: HostListing = { loading: false, containers: [], checkpoints: [] };
const DEBOUNCE_MS = 400;

export const createContainersSlice: SliceCreator<ContainersSlice> = (set, get, deps) => {
  const due = new Set<string>();
  let listsWanted = false;
  const patch = (hostId: string, p: Partial<HostListing>): void =>
    set((s) => ({ listings: { ...s.listings, [hostId]: { ...(s.listings[hostId] ?? EMPTY_LISTING), ...p } } }));
  return {
    listings: {},
    facts: {},

    async loadFacts(hostId, checkpointId) {
      const key = `${hostId}:${checkpointId}`;
      if (get().facts[key]) return;
      set((s) => ({ facts: { ...s.facts, [key]: { loaded: false } } }));
      let facts: CheckpointFacts = { loaded: true };
      try {
        const d = await deps.api.checkpoints.inspect({ hostId, checkpointId });
        const frozenMs = frozenMsOf(d.stats);
        if (frozenMs !== undefined) facts = { loaded: true, frozenMs };
      } catch {
        // A checkpoint without details charts without its frozen time; its row still says what it has.
      }
      set((s) => ({ facts: { ...s.facts, [key]: facts } }));
    },

    async refreshHost(hostId) {
      patch(hostId, { loading: true });
      try {
        const [c, k] = await Promise.all([deps.api.containers.list({ hostId }), deps.api.checkpoints.list({ hostId })]);
        const failure = [...c.errors, ...k.errors].find((e) => e.host === hostId);
        patch(hostId, {
          loading: false,
          containers: c.containers,
          checkpoints: k.checkpoints,
          loadedAt: deps.now(),
          ...(failure ? { problem: { code: failure.code, message: appWords(failure.message), ...(failure.detail ? { detail: failure.detail } : {}) } } : { problem: undefined }),
        });
        if (failure) get().promptFor(hostId, new ApiError(failure.code as ApiError['code'], failure.message));
      } catch (err) {
        if (!get().promptFor(hostId, err)) patch(hostId, { loading: false, problem: toProblem(err) });
        else patch(hostId, { loading: false });
      }
    },

    listsHeld: false,
    holdLists() {
      set({ listsHeld: true });
    },
    releaseLists() {
      if (!get().listsHeld) return;
      set({ listsHeld: false });
      if (listsWanted) {
        listsWanted = false;
        void get().refreshAll();
      }
    },

    async refreshAll() {
      if (get().listsHeld) {
        listsWanted = true;
        return;
      }
      // A host whose list is on its way is not asked again: at start-up the app and the image browser's picker both
      // ask for every host's list in the same moment, and each list runs the helper on that host (twice, for nothing).
      await Promise.all(get().hosts.filter((h) => !get().listings[h.id]?.loading).map((h) => get().refreshHost(h.id)));
    },

    refreshSoon(hostId) {
      if (due.has(hostId)) return;
      due.add(hostId);
      deps.setTimeout(() => {
        due.delete(hostId);
        void get().refreshHost(hostId);
      }, DEBOUNCE_MS);
    },

    forgetHost(hostId) {
      set((s) => {
        const { [hostId]: _gone, ...rest } = s.listings;
        return { listings: rest };
      });
    },
  };
};
