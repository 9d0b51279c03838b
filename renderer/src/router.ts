import { useSyncExternalStore } from 'react';

/**
 * The one table of routes. The address is `#/path?query`: a hash route works the same from `file://` (Electron) and
 * from browser mode's server, and back/forward come from the browser's own history of hash changes.
 * A tiny typed router instead of a library: every route is a typed value with one parser and one link builder here,
 * the browser-mode token must be taken out of any route before anything else reads the address (token.ts), and the
 * whole thing is ~100 lines with no dependency to keep up with.
 */
export type Route =
  | { name: 'home' }
  | { name: 'welcome' }
  | { name: 'host'; hostId: string }
  | { name: 'containers'; q?: string; host?: string; runtime?: string; state?: string }
  | { name: 'timeline'; lineage: string }
  | { name: 'jobs'; job?: string }
  | { name: 'image'; path?: string; hostId?: string; checkpointId?: string }
  | { name: 'diff'; a?: string; b?: string; hostId?: string; before?: string; after?: string; afterHostId?: string }
  | { name: 'ssh-config' }
  | { name: 'not-found'; hash: string };

export type RouteName = Route['name'];

/** The query keys each route keeps; anything else in the address is dropped. */
const QUERY_KEYS = {
  containers: ['q', 'host', 'runtime', 'state'],
  jobs: ['job'],
  image: ['path', 'hostId', 'checkpointId'],
  diff: ['a', 'b', 'hostId', 'before', 'after', 'afterHostId'],
} as const;

function pick<K extends string>(params: URLSearchParams, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = params.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** `#/hosts/local` → `{ name: 'host', hostId: 'local' }`. Unknown addresses become `not-found`, never an exception. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  let segments: string[];
  try {
    segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { name: 'not-found', hash };
  }
  const [first, second, ...rest] = segments;
  if (rest.length) return { name: 'not-found', hash };
  if (first === undefined) return { name: 'home' };
  if (second === undefined) {
    switch (first) {
      case 'welcome':
        return { name: 'welcome' };
      case 'containers':
        return { name: 'containers', ...pick(params, QUERY_KEYS.containers) };
      case 'jobs':
        return { name: 'jobs', ...pick(params, QUERY_KEYS.jobs) };
      case 'image':
        return { name: 'image', ...pick(params, QUERY_KEYS.image) };
      case 'diff':
        return { name: 'diff', ...pick(params, QUERY_KEYS.diff) };
      case 'ssh-config':
        return { name: 'ssh-config' };
    }
  } else if (first === 'hosts') return { name: 'host', hostId: second };
  else if (first === 'timeline') return { name: 'timeline', lineage: second };
  return { name: 'not-found', hash };
}

function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** The address of a route, `#/…`; `parseRoute(href(r))` gives `r` back. */
export function href(route: Route): string {
  const { name, ...rest } = route as Route & Record<string, string | undefined>;
  switch (route.name) {
    case 'home':
      return '#/';
    case 'host':
      return `#/hosts/${encodeURIComponent(route.hostId)}`;
    case 'timeline':
      return `#/timeline/${encodeURIComponent(route.lineage)}`;
    case 'not-found':
      return route.hash.startsWith('#') ? route.hash : `#${route.hash}`;
    default:
      return withQuery(`#/${name}`, rest);
  }
}

/** Link builders, so no component writes an address by hand. */
export const links = {
  home: (): string => href({ name: 'home' }),
  welcome: (): string => href({ name: 'welcome' }),
  host: (hostId: string): string => href({ name: 'host', hostId }),
  containers: (filters: Omit<Extract<Route, { name: 'containers' }>, 'name'> = {}): string => href({ name: 'containers', ...filters }),
  timeline: (lineage: string): string => href({ name: 'timeline', lineage }),
  jobs: (job?: string): string => href(job ? { name: 'jobs', job } : { name: 'jobs' }),
  imageFile: (path: string): string => href({ name: 'image', path }),
  imageStored: (hostId: string, checkpointId: string): string => href({ name: 'image', hostId, checkpointId }),
  image: (): string => href({ name: 'image' }),
  diffFiles: (a: string, b: string): string => href({ name: 'diff', a, b }),
  diffStored: (hostId: string, before: string, after: string, afterHostId?: string): string =>
    href({ name: 'diff', hostId, before, after, ...(afterHostId && afterHostId !== hostId ? { afterHostId } : {}) }),
  diff: (): string => href({ name: 'diff' }),
  sshConfig: (): string => href({ name: 'ssh-config' }),
};

/** Goes to an address: a new history entry (so Back returns), or in place with `replace`. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) {
    history.replaceState(history.state, '', to);
    // replaceState fires no hashchange: tell the listeners ourselves.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else if (location.hash !== to) {
    location.hash = to;
  }
}

function subscribeHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener('popstate', onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener('popstate', onChange);
  };
}

/** The current address's hash, as a React subscription (re-renders on back/forward and on links). */
export function useHash(): string {
  return useSyncExternalStore(subscribeHash, () => location.hash);
}
