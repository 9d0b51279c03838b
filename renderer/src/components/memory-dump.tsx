import { useMemo, useState } from 'react';
import { formatAddress, parseAddress } from '../hex-rows';
import type { DumpView } from '../store/image-store';
import { HexDump } from './hex-dump';

/** The hexdump under the matches: an address to jump to, the rows, and buttons that read on in either direction. */
export function MemoryDump({ dump, onGo, onMore }: { dump: DumpView | undefined; onGo: (address: number) => void; onMore: (side: 'before' | 'after') => void }) {
  const [address, setAddress] = useState('');
  const [bad, setBad] = useState(false);
  const vmas = useMemo(() => (dump?.vmas ?? []).map((v) => ({ start: parseInt(v.start.slice(2), 16), end: parseInt(v.end.slice(2), 16), label: v.label })), [dump?.vmas]);
  return (
    <section className="mem-dump" aria-label="Memory dump" aria-busy={dump?.busy ?? false}>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const a = parseAddress(address);
          setBad(a === undefined);
          if (a !== undefined) onGo(a);
        }}
      >
        <input
          className="mono"
          type="text"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          placeholder="0x7ffe6d365000"
          aria-label="Dump address"
          aria-invalid={bad}
          aria-describedby={bad ? 'dump-address-error' : undefined}
        />
        <button type="submit" disabled={!address.trim() || dump?.busy}>
          Show
        </button>
        {bad && (
          <span id="dump-address-error" className="bad" role="alert">
            An address is hex digits, e.g. 0x7ffe6d365000.
          </span>
        )}
      </form>
      {dump && (
        <>
          <div className="toolbar">
            <button type="button" onClick={() => onMore('before')} disabled={dump.busy || dump.start === 0 || dump.end === dump.start}>
              Load earlier
            </button>
            <span className="muted mono">
              {dump.end > dump.start ? `${formatAddress(dump.start)}–${formatAddress(dump.end)}` : ''}
              {dump.busy ? ' Reading…' : ''}
            </span>
          </div>
          {dump.error && !bad && (
            <div className="banner error" role="alert">
              {dump.error}
            </div>
          )}
          <HexDump pieces={dump.pieces} highlight={dump.highlight} vmas={vmas} label="Hexdump" />
          <button type="button" onClick={() => onMore('after')} disabled={dump.busy || dump.end === dump.start}>
            Load more
          </button>
        </>
      )}
    </section>
  );
}
