import type { StoreApi } from 'zustand';
import type { StasisClient } from '../../../shared/api/contract';
import type { ConnectionSlice } from './connection-slice';
import type { ContainerActionsSlice } from './container-actions-slice';
import type { HostAdminSlice } from './host-admin-slice';
import type { ContainersSlice } from './containers-slice';
import type { DocumentsSlice } from './documents-slice';
import type { HostsSlice } from './hosts-slice';
import type { JobsSlice } from './jobs-slice';
import type { NoticesSlice } from './notices-slice';
import type { OpenFileSlice } from './open-file-slice';
import type { FileAccess } from '../file-access';

export type RootState = HostsSlice & ContainersSlice & JobsSlice & NoticesSlice & ConnectionSlice & DocumentsSlice & ContainerActionsSlice & HostAdminSlice & OpenFileSlice;

/** What slices may use besides the store: passed in, so tests give their own clock, timers and API. */
export interface StoreDeps {
  api: StasisClient;
  now(): number;
  setTimeout(f: () => void, ms: number): unknown;
  /** A system notification (Notification API when allowed); a no-op in tests. */
  notifySystem(title: string, body: string): void;
  /** Fresh ids for operations (so the caller can cancel before the first reply). */
  newId(prefix: string): string;
  /** Upload (browser mode) or a dropped file's path (Electron); absent in tests that do not open files. */
  files?: FileAccess;
}

export type SetState = StoreApi<RootState>['setState'];
export type GetState = StoreApi<RootState>['getState'];
export type SliceCreator<T> = (set: SetState, get: GetState, deps: StoreDeps) => T;
