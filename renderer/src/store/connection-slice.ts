import type { ConnectionState } from '../transport';
import type { SliceCreator } from './types';

export interface ConnectionSlice {
  /** Browser mode's link to its server; Electron is always `connected`. */
  connection: ConnectionState;
  setConnection(state: ConnectionState): void;
}

export const createConnectionSlice: SliceCreator<ConnectionSlice> = (set) => ({
  connection: 'connecting',
  setConnection: (connection) => set({ connection }),
});
