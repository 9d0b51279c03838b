import { useCallback, useEffect, useState } from 'react';
import { parseRoute, useHash, type Route } from './router';
import { Sidebar } from './components/sidebar';
import { HostView } from './components/host-view';
import { SshConfigView } from './components/ssh-config-view';
import { ImageView } from './components/image-view';
import { DiffView } from './components/diff-view';
import { HostPrompt } from './components/host-prompt';
import { MigrateDialogHost } from './components/migrate-dialog';
import { Notices } from './components/notices';
import { ConnectionBanner } from './components/connection-banner';
import { ContainersView } from './components/containers-view';
import { TimelineView } from './components/timeline-view';
import { JobsView } from './components/jobs-view';
import { WelcomeView, WelcomeCard } from './components/welcome-view';
import { ShortcutsDialog } from './components/shortcuts-dialog';
import { WindowFileDrop } from './components/open-file';
import { useGlobalShortcuts } from './keyboard';
import { diffKey } from './store/documents-slice';

/** The screen for a route; a new key per document, so a view's local state never leaks from one to the next. */
function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
      return (
        <>
          <WelcomeCard />
          <HostView hostId="local" />
        </>
      );
    case 'welcome':
      return <WelcomeView />;
    case 'host':
      return <HostView key={route.hostId} hostId={route.hostId} />;
    case 'containers':
      return <ContainersView route={route} />;
    case 'timeline':
      return <TimelineView key={route.lineage} lineage={route.lineage} />;
    case 'jobs':
      return <JobsView selected={route.job} />;
    case 'image': {
      const stored = route.hostId && route.checkpointId ? { hostId: route.hostId, checkpointId: route.checkpointId } : undefined;
      return <ImageView key={stored ? `${stored.hostId}:${stored.checkpointId}` : (route.path ?? '')} path={route.path} stored={stored} />;
    }
    case 'diff': {
      const stored =
        route.hostId && route.before && route.after
          ? { hostId: route.hostId, before: route.before, after: route.after, ...(route.afterHostId ? { afterHostId: route.afterHostId } : {}) }
          : undefined;
      return <DiffView key={stored ? diffKey(stored) : `${route.a ?? ''}|${route.b ?? ''}`} a={route.a} b={route.b} stored={stored} />;
    }
    case 'ssh-config':
      return <SshConfigView />;
    case 'not-found':
      return (
        <section className="empty-state">
          <h1>Nothing here</h1>
          <p className="muted">
            The address <code className="mono">{route.hash}</code> is not a page of Stasis. Start from <a href="#/">This computer</a> or{' '}
            <a href="#/containers">all containers</a>.
          </p>
        </section>
      );
  }
}

export function App() {
  const route = parseRoute(useHash());
  const [shortcuts, setShortcuts] = useState(false);
  const openShortcuts = useCallback(() => setShortcuts(true), []);
  useGlobalShortcuts(openShortcuts);
  // Focus goes to the new page's heading, so keyboard and screen-reader users land on it after a link.
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [route.name]);
  return (
    <div className="app">
      <Sidebar route={route} onShortcuts={openShortcuts} />
      <main className="content">
        <ConnectionBanner />
        <Notices hostId={route.name === 'host' ? route.hostId : route.name === 'home' ? 'local' : undefined} />
        <Screen route={route} />
        <HostPrompt />
        <WindowFileDrop />
        {shortcuts && <ShortcutsDialog onClose={() => setShortcuts(false)} />}
        <MigrateDialogHost />
      </main>
    </div>
  );
}
