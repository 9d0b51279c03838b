import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBackend } from './api';
import { App } from './app';
import { connectStore, createRootStore, storeDeps, StoreProvider } from './store';
import { migrationReport } from './store/jobs-slice';
import { adoptToken } from './token';
import { pickFileAccess } from './file-access';
import { pickTransport } from './transport';
import { parseRoute } from './router';
import 'uplot/dist/uPlot.min.css';
import './styles.css';

// The one place with side effects: take the token out of the address, open the transport, build the store,
// subscribe it to events and load the hosts. Everything else gets what it needs passed in.
const token = adoptToken(sessionStorage, location, (hash) => history.replaceState(history.state, '', hash));
const backend = createBackend(pickTransport(token), pickFileAccess(token));

function notifySystem(title: string, body: string): void {
  // The fallback when the main side showed none (browser mode): the Notifications API when the user allowed it.
  // In Electron the window's permission stays denied; its main process shows the notification (app.notify).
  if ('Notification' in window && Notification.permission === 'granted' && !document.hasFocus()) {
    new Notification(title, { body });
  }
}

const store = createRootStore(storeDeps({ api: backend.api, notifySystem, files: backend.files }));
connectStore(store, backend);
// Migrations report their own progress event (bytes on the wire, the phase's total and ETA); the jobs take it too.
backend.subscribe('migrationProgress', (p) => store.getState().jobProgress(migrationReport(p)));
// A deep link to an image paints it first: the hosts' lists (a helper run per host, on the server that also reads the
// image) wait until its summary has come, or 3 s at most.
const start = parseRoute(location.hash);
if (start.name === 'image' && (start.path || start.checkpointId)) {
  store.getState().holdLists();
  setTimeout(() => store.getState().releaseLists(), 3000);
}
void store
  .getState()
  .loadHosts()
  .then(() => store.getState().refreshAll());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
