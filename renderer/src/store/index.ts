import { createContext, createElement, useContext, type ReactNode } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { Backend } from '../api';
import { createConnectionSlice } from './connection-slice';
import { createContainerActionsSlice } from './container-actions-slice';
import { createHostAdminSlice } from './host-admin-slice';
import { createContainersSlice } from './containers-slice';
import { createDocumentsSlice } from './documents-slice';
import { createHostsSlice } from './hosts-slice';
import { createJobsSlice } from './jobs-slice';
import { createNoticesSlice } from './notices-slice';
import { createOpenFileSlice } from './open-file-slice';
import type { RootState, StoreDeps } from './types';

export type { RootState, StoreDeps } from './types';
export type RootStore = StoreApi<RootState>;

let counter = 0;
const defaultId = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** Everything but the API has a default, so a test passes only what it cares about. */
export function storeDeps(partial: Pick<StoreDeps, 'api'> & Partial<StoreDeps>): StoreDeps {
  return {
    now: () => Date.now(),
    setTimeout: (f, ms) => setTimeout(f, ms),
    notifySystem: () => {},
    newId: defaultId,
    ...partial,
  };
}

/** One store for the app, built from slices; nothing happens until `connectStore` subscribes it to events. */
export function createRootStore(deps: StoreDeps): RootStore {
  return createStore<RootState>()((set, get) => ({
    ...createHostsSlice(set, get, deps),
    ...createContainersSlice(set, get, deps),
    ...createJobsSlice(set, get, deps),
    ...createNoticesSlice(set, get, deps),
    ...createConnectionSlice(set, get, deps),
    ...createDocumentsSlice(set, get, deps),
    ...createContainerActionsSlice(set, get, deps),
    ...createHostAdminSlice(set, get, deps),
    ...createOpenFileSlice(set, get, deps),
  }));
}

/**
 * Wires the store to the main side: events update it (a host's status, operation progress), a host that changes state
 * is refreshed (debounced), and a connection that comes back reloads everything. Returns the unsubscribe.
 */
export function connectStore(store: RootStore, backend: Backend): () => void {
  const s = store.getState;
  let wasLost = false;
  const offs = [
    backend.subscribe('hostChanged', ({ host }) => {
      const before = s().hosts.find((h) => h.id === host.id);
      s().hostChanged(host);
      if (!before || before.status !== host.status) s().refreshSoon(host.id);
    }),
    backend.subscribe('operationProgress', (p) => s().jobProgress(p)),
    backend.onConnection((state) => {
      s().setConnection(state);
      if (state === 'lost') wasLost = true;
      if (state === 'connected' && wasLost) {
        wasLost = false;
        void s().loadHosts().then(() => s().refreshAll());
      }
    }),
  ];
  return () => offs.forEach((off) => off());
}

const StoreContext = createContext<RootStore | null>(null);

export function StoreProvider({ store, children }: { store: RootStore; children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: store }, children);
}

export function useRootStore(): RootStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStasis outside <StoreProvider>');
  return store;
}

/** Reads the app's store through a selector; select the smallest thing the component needs. */
export function useStasis<T>(selector: (s: RootState) => T): T {
  return useStore(useRootStore(), selector);
}
