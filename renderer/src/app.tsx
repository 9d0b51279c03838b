import { useEffect } from 'react';
import { useHosts } from './store/hosts-store';
import { Sidebar } from './components/sidebar';
import { HostView } from './components/host-view';
import { SshConfigView } from './components/ssh-config-view';

export function App() {
  const load = useHosts((s) => s.load);
  const view = useHosts((s) => s.view);
  const error = useHosts((s) => s.error);
  useEffect(() => void load(), [load]);
  return (
    <div className="app">
      <Sidebar />
      <main className="content">
        {error && (
          <div className="banner error" role="alert">
            {error}
          </div>
        )}
        {view.kind === 'host' ? <HostView hostId={view.hostId} /> : <SshConfigView />}
      </main>
    </div>
  );
}
