import type { SliceCreator } from './types';

export type NoticeTone = 'ok' | 'error' | 'info';

/** A message to the user, tied to the host (and operation) it is about, so it shows where it belongs. */
export interface Notice {
  id: string;
  tone: NoticeTone;
  text: string;
  detail?: string;
  /** The host it concerns; shown on that host's page and, labelled with the host, in the global list. */
  hostId?: string;
  jobId?: string;
}

export interface NoticesSlice {
  notices: Notice[];
  notify(notice: Omit<Notice, 'id'>): string;
  dismissNotice(id: string): void;
}

/** Success and info notices fade after this long; errors stay until dismissed. */
export const NOTICE_FADE_MS = 6000;

export const createNoticesSlice: SliceCreator<NoticesSlice> = (set, _get, deps) => ({
  notices: [],
  notify(notice) {
    const id = deps.newId('n');
    // One notice per subject: a newer word about the same host/operation replaces the older one.
    set((s) => ({
      notices: [...s.notices.filter((n) => !(n.tone === notice.tone && n.text === notice.text && n.hostId === notice.hostId)), { ...notice, id }].slice(-6),
    }));
    if (notice.tone !== 'error') deps.setTimeout(() => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })), NOTICE_FADE_MS);
    return id;
  },
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
