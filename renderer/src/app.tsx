import { useEffect } from 'react';
import { useHosts } from './store/hosts-store';
import { Sidebar } from './components/sidebar';
import { HostView } from './components/host-view';
import { SshConfigView } from './components/ssh-config-view';
import { ImageView } from './components/image-view';
import { DiffView } from './components/diff-view';
import { OperationsBar } from './components/operations-bar';
import { HostPrompt } from './components/host-prompt';
import { useWorkspace } from './store/workspace-store';

export function App() {
  const load = useHosts((s) => s.load);
  const view = useHosts((s) => s.view);
  const error = useHosts((s) => s.error);
  const notice = useWorkspace((s) => s.notice);
  const dismiss = useWorkspace((s) => s.dismissNotice);
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
        {notice && (
          <div className={`banner ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
            <span>{notice.text}</span>
            <button type="button" className="link" onClick={dismiss} aria-label="Dismiss">
              ×
            </button>
          </div>
        )}
        <OperationsBar />
        {view.kind === 'host' && <HostView hostId={view.hostId} />}
        {view.kind === 'ssh-config' && <SshConfigView />}
        {view.kind === 'image' && <ImageView key={view.stored ? `${view.stored.hostId}:${view.stored.checkpointId}` : (view.path ?? '')} path={view.path} stored={view.stored} />}
        {view.kind === 'diff' && <DiffView key={view.stored ? `${view.stored.before}|${view.stored.after}` : `${view.a ?? ''}|${view.b ?? ''}`} a={view.a} b={view.b} stored={view.stored} />}
        <HostPrompt />
      </main>
    </div>
  );
}
