import { useStasis } from '../store';

/** Browser mode lost its server: said at once, on every page, until it is back (the transport reconnects by itself). */
export function ConnectionBanner() {
  const connection = useStasis((s) => s.connection);
  if (connection !== 'lost') return null;
  return (
    <div className="banner error" role="alert" aria-label="Connection lost">
      <span>
        Lost the connection to the Stasis server. Hosts&apos; states below are from before. Stasis reconnects by itself when the server is back; if you
        restarted <code className="mono">npm run serve</code>, open the new address it printed.
      </span>
    </div>
  );
}
